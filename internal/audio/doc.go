// Package audio turns an audio file into the signal genrec analyses: mono
// float32 samples at params.SampleRate (22,050 Hz).
//
// Load, Decode (or a Decoder's Load and Decode) are the entry points. They
// decode with FFmpeg's libraries through cgo, the way Essentia's
// AudioLoader drives them: libavformat opens the file through a custom
// AVIOContext over its descriptor (never another file or URL: nested opens
// by playlists or references are refused) and probes its format from the
// content, with the name only as a hint; the best audio stream is decoded
// by libavcodec (avcodec_send_packet / avcodec_receive_frame), and one
// libswresample context converts it to mono float32 at 22,050 Hz. Whatever
// FFmpeg reads is analysed: MPEG audio of every layer, WAV, AIFF, FLAC, Ogg
// Vorbis and Opus, AAC and ALAC in MP4, WMA, and the audio of video files.
//
// The samples are exactly those of the CLI command
//
//	ffmpeg -i FILE -f f32le -acodec pcm_f32le -ac 1 -ar 22050 pipe:1
//
// whose filter graph inserts one aresample (one SwrContext with default
// options) for the same conversion: integer PCM of b bits becomes
// v/2^(b-1) (so a 16-bit 22,050 Hz mono WAV such as a GTZAN clip gives
// v/32768, as librosa does), stereo is mixed as (L+R)/√2 (libswresample
// does not normalise its matrix for float output), float sources are not
// clipped, a stream of unspecified channel order gets the default layout
// of its channel count, the mp3 encoder delay and padding that libavformat
// reads from LAME/Xing headers (and Opus and MP4 pre-skip and edit lists)
// are dropped, and the resampler is flushed at the end. When the format,
// rate or layout changes mid-stream the resampler is rebuilt, dropping the
// old one's buffered tail, as the CLI does when it rebuilds its filters.
//
// Decoding is budgeted: with a limit only as many packets are read and
// decoded as are needed to produce that many output samples, so a
// ten-minute file costs about as much as a thirty-second one. Probing
// reads at most 5 MB and 5 s of the stream. Decoding errors in a packet
// skip that packet, as the CLI does; damage the demuxer cannot get past
// ends the stream, keeping what was decoded before it.
//
// The Middle window (Options) analyses the middle of a file longer than
// params.MiddleMinSeconds: the demuxer seeks (avformat_seek_file) a little
// before the window, samples before its exact start are discarded by their
// timestamps, and exactly the requested number is returned.
//
// Every call opens its own FFmpeg objects and frees them before it
// returns, so Load and Decode may be called from many goroutines at once;
// FFmpeg's logging is silenced once (errors are returned instead). A
// Decoder reuses its sample buffer from call to call, for workers that
// decode one file after another.
//
// Build and run requirements: the cgo pkg-config packages libavformat,
// libavcodec, libswresample and libavutil of FFmpeg 5.1 or later (Debian:
// libavformat-dev, libavcodec-dev, libswresample-dev, libavutil-dev to
// build; conda-forge: ffmpeg and pkg-config).
package audio

// Extensions lists, comma-separated, the file extensions of the formats
// commands take from folders by default. (Load itself detects the format
// by content, not by name.)
const Extensions = "mp3,mp2,wav,flac,ogg,oga,opus,m4a,mp4,aac,aif,aiff,wma,wv,ape,mka"
