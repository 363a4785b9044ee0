// Package tags reads and writes the genre tag of audio files without
// touching their audio: the ID3v2 TCON frame of mp3 files and the GENRE
// field of the VORBIS_COMMENT block of FLAC files.
//
// # Formats
//
// The format is recognised from the content, not the file name: a file
// whose first bytes (after an optional ID3v2 tag) are "fLaC" is FLAC; a
// file that starts with an ID3v2 tag, or with an MPEG audio frame sync, is
// mp3. Anything else (WAV, Ogg, text, …) gives an error wrapping
// ErrUnsupported.
//
// # mp3: ID3v2
//
// ID3v2.2, 2.3 and 2.4 tags at the start of the file are read. Writing
// keeps the version of an existing tag, so that every other frame is
// copied byte for byte (frame headers differ between versions, so a
// conversion could not preserve them); only the TCON frame (TCO in v2.2)
// is replaced in place, or added after the other frames, and any further
// TCON frames are dropped. A file without an ID3v2 tag gets a new ID3v2.3
// tag prepended: 2.3 is the version the most players and operating systems
// read (Windows Explorer and many car and portable players still ignore
// 2.4). Genre text that fits ISO-8859-1 is written in it; other text is
// written as UTF-16 with a byte-order mark (v2.2, v2.3) or UTF-8 (v2.4).
//
// The new tag keeps the old tag's total size when the frames fit, the rest
// being zero padding, so the audio does not move; otherwise it gets 1 KiB
// of padding. A v2.4 footer is dropped (footer and padding are exclusive,
// and a footer is optional for a tag at the start of the file). Tags this
// package cannot rewrite safely are refused with an error wrapping
// ErrUnsupportedTag: tag-level unsynchronisation, an extended header, v2.2
// compression, unknown header flags, and a TCON frame that is compressed,
// encrypted or unsynchronised (when reading it). A frame that does not
// parse is refused with ErrMalformed. Everything after the ID3v2 tag — the
// MPEG frames, an APE tag, an ID3v1 tail — is copied unchanged; in
// particular the ID3v1 genre byte is left as it is (players prefer ID3v2).
//
// ReadGenre returns the TCON text with ID3v1 genre references resolved
// ("(17)" and, in v2.4, "17" read as "Rock"); several values are joined
// with "; ". When there is no TCON frame it falls back to the genre byte of
// an ID3v1 tail, so a genre that only ID3v1 holds still counts as present.
//
// # FLAC
//
// The metadata blocks are read up to the last one. WriteGenre replaces the
// GENRE comments of the VORBIS_COMMENT block (field names are compared
// without regard to case) with one GENRE=<genre> at the position of the
// first, keeping the vendor string and every other comment in order; a
// file without the block gets one (vendor "genrec") before its first
// PADDING block, or at the end of the metadata. The size difference is
// taken from, or given to, the first PADDING block when that is possible,
// so the audio frames stay at the same offset; otherwise the metadata
// blocks are rewritten at their new length. Every other block is copied
// byte for byte, the last-block flags are recomputed, and an ID3v2 tag
// before "fLaC" (written by some rippers) is kept as it is.
//
// # Writing safely
//
// WriteGenre never modifies the file in place: the new file is written to
// a temporary file in the same folder, synced and renamed over the
// original (package atomicfile), so a reader sees the old or the new file,
// never a mixture, and on any failure the original is untouched and the
// temporary file removed. The permission bits are kept; when the process
// may (typically as root), the owner and group are restored too. A
// symbolic link is followed and its target rewritten; the link stays.
// Hard links to the file keep the old content (the name is given a new
// inode), and extended attributes are not copied. If the new file would be
// identical to the old one, nothing is written.
//
// With WriteOptions.Backup, the original is kept as BackupPath(path), the
// path with ".bak" appended ("song.mp3.bak"), as a hard link to the
// original inode when the file system allows (so owner, mode and times are
// the original's) and as a synced copy otherwise. An existing backup is
// never replaced: WriteGenre then fails with ErrBackupExists and changes
// nothing. A backup made by a call that then fails is removed again.
package tags
