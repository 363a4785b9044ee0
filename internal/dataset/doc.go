// Package dataset reads and writes the tabular material genrec learns from
// and is scored against:
//
//   - feature tables in two layouts, recognised by their header: the Kaggle
//     GTZAN layout, "filename,length,<feature columns…>,label", where the
//     label column is optional and may be empty, and the FMA-small layout,
//     "track_id,genre,<feature columns…>" (ReadTable, ReadTableFile,
//     WriteTable);
//   - a label file "file_id,genre" with a header, used for evaluation
//     (ReadLabels);
//   - the FMA class prior, the normalised genre_top counts of FMA's
//     tracks.csv (FMAPrior), and its tracks' genre_top and official split
//     by track id, for training on FMA's audio (ReadFMATracks).
//
// All readers use encoding/csv and report malformed input with the line
// number of the offending record.
package dataset
