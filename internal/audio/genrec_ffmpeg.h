// genrec_ffmpeg.h: the C half of package audio's FFmpeg decoder. One
// genrec_dec reads one file through a custom AVIOContext over a file
// descriptor, demuxes it with libavformat, decodes its best audio stream
// with libavcodec and converts it with one SwrContext to mono float32 at
// the output rate, as the ffmpeg CLI's auto-inserted aresample does.
//
// It uses only API present in FFmpeg 5.1 and 7.x (AVChannelLayout,
// swr_alloc_set_opts2, avcodec_send_packet/avcodec_receive_frame).
#ifndef GENREC_FFMPEG_H
#define GENREC_FFMPEG_H

#include <stdint.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>

// Return values of genrec_open besides 0 and AVERROR codes.
#define GENREC_UNSUPPORTED 1 // not a format or stream FFmpeg can decode

// Return values of genrec_next besides AVERROR codes.
#define GENREC_OK 0   // d->n samples were written (possibly 0)
#define GENREC_END 1  // the stream is exhausted and the resampler flushed
#define GENREC_ROOM 2 // the next conversion needs room for d->n samples
#define GENREC_BADFRAME 3 // a frame with an unusable channel count or rate

// genrec_min_rate and genrec_max_rate bound the accepted source rates.
#define GENREC_MIN_RATE 1000
#define GENREC_MAX_RATE 768000
#define GENREC_MAX_CHANNELS 64

typedef struct genrec_dec {
	int fd;                 // the file, opened and closed by Go
	long long bytes_read;   // bytes read from fd
	int out_rate;           // output rate (params.SampleRate)

	AVIOContext *avio;
	AVFormatContext *fmt;
	AVCodecContext *codec;
	SwrContext *swr;
	AVPacket *pkt;
	AVFrame *frame;
	int stream;             // index of the decoded stream
	AVRational tb;          // its time base
	int64_t origin;         // its first timestamp (tb), 0 if unknown

	// The SwrContext's current input parameters.
	int in_fmt, in_rate;
	AVChannelLayout in_layout;
	int reinits;            // SwrContexts created after the first

	int frame_pending;      // d->frame holds samples not yet converted
	int frame_off;          // ... from this sample on
	int sent_flush;         // the decoder was sent the end of the stream
	int dec_done;           // the decoder is drained
	int done;               // the resampler is flushed too
	int read_err;           // last av_read_frame error other than EOF
	int bad_packets;        // packets the decoder refused

	// Window: source samples (at the stream's rate, counted from origin)
	// before skip_to are not converted; skip_to < 0 converts everything.
	int64_t skip_to;
	int64_t next_pos;       // source position of the next frame when it has no pts
	int64_t first_pos;      // source position of the first converted sample

	long long frames_in;    // source sample frames given to the resampler
	int n;                  // see GENREC_OK and GENREC_ROOM
	char err[128];          // text of the last error
} genrec_dec;

// genrec_quiet silences FFmpeg's own logging.
void genrec_quiet(void);

// genrec_open opens d->fd (named name, for probing by extension),
// finds its best audio stream and opens a decoder for it. It returns 0,
// GENREC_UNSUPPORTED or an AVERROR code, with a message in d->err.
int genrec_open(genrec_dec *d, const char *name);

// genrec_seek positions the demuxer at or before source sample pos
// (counted from the stream's origin) and makes genrec_next discard every
// sample before it. It returns 0 or an AVERROR code; on failure decoding
// simply continues from where it was, still discarding.
int genrec_seek(genrec_dec *d, int64_t pos);

// genrec_next decodes and converts until some output exists, writing at
// most room samples to out. See GENREC_OK, GENREC_END and GENREC_ROOM.
int genrec_next(genrec_dec *d, float *out, int room);

// genrec_close frees everything d holds (not d itself, not d->fd).
void genrec_close(genrec_dec *d);

// Accessors of the stream parameters for Go.
int genrec_rate(const genrec_dec *d);
int genrec_channels(const genrec_dec *d);
double genrec_duration(const genrec_dec *d);
const char *genrec_format_name(const genrec_dec *d);

#endif
