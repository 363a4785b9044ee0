// Package audio turns an audio file into the signal genrec analyses: mono
// float32 samples at params.SampleRate (22,050 Hz).
//
// Load (or a Decoder's Load) is the single entry point. It recognises the format from the file's
// content, never from its name:
//
//   - RIFF/WAVE files are read by a small pure-Go reader that handles integer
//     PCM of 8, 16, 24 and 32 bits, IEEE float of 32 and 64 bits, any number
//     of channels and WAVE_FORMAT_EXTENSIBLE headers. Integers are scaled the
//     way libsndfile (and therefore Python's soundfile and librosa) scales
//     them, e.g. an int16 v becomes float32(v)/32768, so a 22,050 Hz GTZAN
//     clip comes out bit-identical to librosa.load.
//   - FLAC files ("fLaC", also behind an ID3v2 tag) and FLAC in Ogg are
//     decoded by libFLAC's stream decoder (through cgo); integers of b bits
//     are scaled by 2^-(b-1), as libsndfile scales them. Frames that fail
//     their CRC come out as silence, and after other damage decoding
//     resumes at the next frame.
//   - Ogg streams whose first packet is a Vorbis header are decoded by
//     libvorbisfile (through cgo) as a stream from the start of the file,
//     never seeking to its end; gaps in the data are skipped. Other Ogg
//     codecs (Opus, Speex) are reported as ErrUnsupported.
//   - Everything else is handed to libmpg123 (through cgo), which decodes
//     MPEG-1, MPEG-2 and MPEG-2.5 audio of layers I, II and III at any rate,
//     skips ID3v1, ID3v2 and APE tags, and applies the LAME/Xing gapless
//     information. Files in which it finds no MPEG frame are reported as
//     ErrUnsupported.
//
// Channels are mixed to mono by their mean before resampling. When the source
// rate differs from params.SampleRate the mono signal is resampled with
// libsoxr at its "high quality" (SOXR_HQ) setting, the same resampler and
// quality librosa uses by default; the output length is
// ceil(n·22050/rate), as in librosa.resample. When the source is already at
// 22,050 Hz the samples are passed through untouched.
//
// Decoding is budgeted: with a positive maxSamples only as much input is
// decoded as is needed to produce that many output samples, plus a short
// margin for the resampling filter, so a ten-minute file costs about as much
// as a thirty-second one.
//
// Load keeps no shared state besides the libraries' one-time
// initialisation; every call uses its own decoder and resampler, so it may
// be called from many goroutines at once. A Decoder does what Load does
// but reuses its sample buffers from call to call (about 8 MB for a 30-s
// 44.1 kHz clip), for workers that decode one file after another.
//
// In a file whose format changes mid-way (a glued MPEG stream, a chained
// Ogg stream), only the first part is decoded.
//
// Build and run requirements: the cgo pkg-config packages "libmpg123",
// "soxr", "flac" and "vorbisfile" (Debian: libmpg123-dev, libsoxr-dev,
// libflac-dev and libvorbis-dev to build; libmpg123-0, libsoxr0, libflac12
// and libvorbisfile3 at run time).
package audio

// Extensions lists, comma-separated, the file extensions of the formats
// Load decodes; commands take these from folders by default. (Load itself
// detects the format by content, not by name.)
const Extensions = "mp3,wav,flac,ogg"
