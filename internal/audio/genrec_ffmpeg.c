// genrec_ffmpeg.c: see genrec_ffmpeg.h.
#include "genrec_ffmpeg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <libavutil/log.h>
#include <libavutil/mathematics.h>

// genrec_avio_size is the AVIOContext's buffer, in bytes.
#define GENREC_AVIO_SIZE (32 << 10)

// genrec_probesize and genrec_analyze_us bound what avformat_open_input
// and avformat_find_stream_info may read (FFmpeg's defaults, stated here
// so that a change of defaults cannot widen them).
#define GENREC_PROBESIZE 5000000
#define GENREC_ANALYZE_US 5000000

void genrec_quiet(void) { av_log_set_level(AV_LOG_QUIET); }

static void set_err(genrec_dec *d, const char *what, int rc) {
	char buf[96];
	if (av_strerror(rc, buf, sizeof buf) < 0) snprintf(buf, sizeof buf, "error %d", rc);
	snprintf(d->err, sizeof d->err, "%s: %s", what, buf);
}

// read_cb reads from the descriptor, retrying on EINTR.
static int read_cb(void *opaque, uint8_t *buf, int size) {
	genrec_dec *d = opaque;
	for (;;) {
		ssize_t r = read(d->fd, buf, (size_t)size);
		if (r < 0 && errno == EINTR) continue;
		if (r < 0) return AVERROR(errno);
		if (r == 0) return AVERROR_EOF;
		d->bytes_read += r;
		return (int)r;
	}
}

static int64_t seek_cb(void *opaque, int64_t off, int whence) {
	genrec_dec *d = opaque;
	whence &= ~AVSEEK_FORCE;
	if (whence == AVSEEK_SIZE) {
		struct stat st;
		if (fstat(d->fd, &st) != 0) return AVERROR(errno);
		return (int64_t)st.st_size;
	}
	off_t r = lseek(d->fd, (off_t)off, whence);
	if (r < 0) return AVERROR(errno);
	return (int64_t)r;
}

// deny_io_open refuses every nested open (playlists, references to other
// files or URLs): only the file given is ever read.
static int deny_io_open(struct AVFormatContext *s, AVIOContext **pb, const char *url,
		int flags, AVDictionary **options) {
	(void)s; (void)pb; (void)url; (void)flags; (void)options;
	return AVERROR(EPERM);
}

int genrec_open(genrec_dec *d, const char *name) {
	d->stream = -1;
	d->skip_to = -1;
	d->first_pos = 0;
	unsigned char *buf = av_malloc(GENREC_AVIO_SIZE);
	if (!buf) return AVERROR(ENOMEM);
	d->avio = avio_alloc_context(buf, GENREC_AVIO_SIZE, 0, d, read_cb, NULL, seek_cb);
	if (!d->avio) {
		av_free(buf);
		return AVERROR(ENOMEM);
	}
	d->fmt = avformat_alloc_context();
	if (!d->fmt) return AVERROR(ENOMEM);
	d->fmt->pb = d->avio;
	d->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
	d->fmt->probesize = GENREC_PROBESIZE;
	d->fmt->max_analyze_duration = GENREC_ANALYZE_US;
	d->fmt->io_open = deny_io_open;
	int rc = avformat_open_input(&d->fmt, name, NULL, NULL);
	if (rc < 0) {
		// avformat_open_input has freed the context (not our AVIOContext).
		d->fmt = NULL;
		set_err(d, "no format FFmpeg reads", rc);
		if (rc == AVERROR_INVALIDDATA || rc == AVERROR_DEMUXER_NOT_FOUND || rc == AVERROR_EOF ||
		    rc == AVERROR_PATCHWELCOME || rc == AVERROR(EPERM) || rc == AVERROR(EINVAL) ||
		    rc == AVERROR(ENOSYS))
			return GENREC_UNSUPPORTED;
		return rc;
	}
	// Like the CLI, go on when stream info is incomplete: the decoder
	// may still manage.
	avformat_find_stream_info(d->fmt, NULL);

	const AVCodec *codec = NULL;
	rc = av_find_best_stream(d->fmt, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
	if (rc < 0) {
		snprintf(d->err, sizeof d->err, "%s",
			rc == AVERROR_DECODER_NOT_FOUND ? "no decoder for the audio stream" : "no audio stream");
		return GENREC_UNSUPPORTED;
	}
	d->stream = rc;
	for (unsigned i = 0; i < d->fmt->nb_streams; i++)
		if ((int)i != d->stream) d->fmt->streams[i]->discard = AVDISCARD_ALL;
	AVStream *st = d->fmt->streams[d->stream];
	d->tb = st->time_base;
	d->origin = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
	if (st->codecpar->sample_rate != 0 &&
	    (st->codecpar->sample_rate < GENREC_MIN_RATE || st->codecpar->sample_rate > GENREC_MAX_RATE)) {
		snprintf(d->err, sizeof d->err, "sample rate %d Hz out of range", st->codecpar->sample_rate);
		return GENREC_UNSUPPORTED;
	}
	if (st->codecpar->ch_layout.nb_channels > GENREC_MAX_CHANNELS) {
		snprintf(d->err, sizeof d->err, "%d channels", st->codecpar->ch_layout.nb_channels);
		return GENREC_UNSUPPORTED;
	}

	d->codec = avcodec_alloc_context3(codec);
	if (!d->codec) return AVERROR(ENOMEM);
	rc = avcodec_parameters_to_context(d->codec, st->codecpar);
	if (rc < 0) {
		set_err(d, "codec parameters", rc);
		return rc;
	}
	d->codec->pkt_timebase = st->time_base;
	d->codec->thread_count = 1;
	rc = avcodec_open2(d->codec, codec, NULL);
	if (rc < 0) {
		set_err(d, "open decoder", rc);
		return GENREC_UNSUPPORTED;
	}
	d->pkt = av_packet_alloc();
	d->frame = av_frame_alloc();
	if (!d->pkt || !d->frame) return AVERROR(ENOMEM);
	return 0;
}

int genrec_seek(genrec_dec *d, int64_t pos) {
	d->skip_to = pos;
	d->next_pos = 0;
	int rate = d->codec->sample_rate;
	if (rate <= 0) return AVERROR(EINVAL);
	int64_t ts = d->origin + av_rescale_q(pos, (AVRational){1, rate}, d->tb);
	int rc = avformat_seek_file(d->fmt, d->stream, INT64_MIN, ts, ts, 0);
	if (rc < 0) {
		set_err(d, "seek", rc);
		return rc;
	}
	avcodec_flush_buffers(d->codec);
	d->next_pos = pos; // a guess, for frames without timestamps
	return 0;
}

// feed sends the next packet of the stream (or the end of the stream) to
// the decoder. Packets the decoder rejects as invalid are skipped, as the
// CLI skips them.
static int feed(genrec_dec *d) {
	for (;;) {
		int rc = av_read_frame(d->fmt, d->pkt);
		if (rc < 0) {
			// The end, or damage the demuxer cannot get past: what was
			// decoded so far stands, as in the CLI.
			if (rc != AVERROR_EOF) d->read_err = rc;
			d->sent_flush = 1;
			rc = avcodec_send_packet(d->codec, NULL);
			return rc == AVERROR_EOF ? 0 : rc;
		}
		if (d->pkt->stream_index != d->stream) {
			av_packet_unref(d->pkt);
			continue;
		}
		rc = avcodec_send_packet(d->codec, d->pkt);
		av_packet_unref(d->pkt);
		if (rc == 0) return 0;
		if (rc == AVERROR(ENOMEM)) return rc;
		d->bad_packets++;
	}
}

// setup_swr (re)creates the SwrContext when frame f's format, rate or
// layout differs from its input. Like the CLI, which rebuilds its filter
// graph on such a change, the old context's buffered tail is dropped.
static int setup_swr(genrec_dec *d, AVFrame *f) {
	if (d->swr && f->format == d->in_fmt && f->sample_rate == d->in_rate &&
	    av_channel_layout_compare(&f->ch_layout, &d->in_layout) == 0)
		return 0;
	if (d->swr) d->reinits++;
	swr_free(&d->swr);
	av_channel_layout_uninit(&d->in_layout);
	AVChannelLayout mono;
	av_channel_layout_default(&mono, 1);
	int rc = swr_alloc_set_opts2(&d->swr, &mono, AV_SAMPLE_FMT_FLT, d->out_rate,
		&f->ch_layout, (enum AVSampleFormat)f->format, f->sample_rate, 0, NULL);
	av_channel_layout_uninit(&mono);
	if (rc >= 0) rc = swr_init(d->swr);
	if (rc < 0) {
		swr_free(&d->swr);
		set_err(d, "resampler", rc);
		return rc;
	}
	rc = av_channel_layout_copy(&d->in_layout, &f->ch_layout);
	if (rc < 0) {
		swr_free(&d->swr);
		return rc;
	}
	d->in_fmt = f->format;
	d->in_rate = f->sample_rate;
	return 0;
}

// accept checks a decoded frame and marks it pending, or drops it when it
// lies wholly before the window's start.
static int accept(genrec_dec *d) {
	AVFrame *f = d->frame;
	if (f->nb_samples <= 0) {
		av_frame_unref(f);
		return 0;
	}
	int ch = f->ch_layout.nb_channels;
	if (ch < 1 || ch > GENREC_MAX_CHANNELS || f->sample_rate < GENREC_MIN_RATE ||
	    f->sample_rate > GENREC_MAX_RATE) {
		snprintf(d->err, sizeof d->err, "frame of %d channels at %d Hz", ch, f->sample_rate);
		av_frame_unref(f);
		return GENREC_BADFRAME;
	}
	if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
		// As the CLI guesses: the default layout of that many channels.
		av_channel_layout_uninit(&f->ch_layout);
		av_channel_layout_default(&f->ch_layout, ch);
	}
	int rc = setup_swr(d, f);
	if (rc < 0) {
		av_frame_unref(f);
		return rc;
	}
	int off = 0;
	if (d->skip_to >= 0) {
		int64_t ts = f->pts != AV_NOPTS_VALUE ? f->pts : f->best_effort_timestamp;
		int64_t pos = d->next_pos;
		if (ts != AV_NOPTS_VALUE)
			pos = av_rescale_q(ts - d->origin, d->tb, (AVRational){1, f->sample_rate});
		d->next_pos = pos + f->nb_samples;
		if (pos + f->nb_samples <= d->skip_to) {
			av_frame_unref(f);
			return 0;
		}
		if (pos < d->skip_to) off = (int)(d->skip_to - pos);
		d->first_pos = pos + off;
		d->skip_to = -1;
	}
	d->frame_off = off;
	d->frame_pending = 1;
	return 0;
}

// convert gives the pending frame to the resampler.
static int convert(genrec_dec *d, float *out, int room) {
	AVFrame *f = d->frame;
	int count = f->nb_samples - d->frame_off;
	int bound = swr_get_out_samples(d->swr, count);
	if (bound < 0) return bound;
	if (bound > room) {
		d->n = bound;
		return GENREC_ROOM;
	}
	const uint8_t *in[GENREC_MAX_CHANNELS];
	int ch = f->ch_layout.nb_channels;
	int bps = av_get_bytes_per_sample((enum AVSampleFormat)f->format);
	if (av_sample_fmt_is_planar((enum AVSampleFormat)f->format)) {
		for (int i = 0; i < ch; i++) in[i] = f->extended_data[i] + (size_t)d->frame_off * bps;
	} else {
		in[0] = f->extended_data[0] + (size_t)d->frame_off * bps * ch;
	}
	uint8_t *o = (uint8_t *)out;
	// Offer the bound, not the whole room: swr_convert sizes its internal
	// buffers by the output count it is given, and a room of a whole
	// clip would make them megabytes per decoder.
	int got = swr_convert(d->swr, &o, bound, in, count);
	av_frame_unref(f);
	d->frame_pending = 0;
	if (got < 0) {
		set_err(d, "resample", got);
		return got;
	}
	d->frames_in += count;
	d->n = got;
	return GENREC_OK;
}

int genrec_next(genrec_dec *d, float *out, int room) {
	d->n = 0;
	for (;;) {
		if (d->done) return GENREC_END;
		if (d->frame_pending) {
			int rc = convert(d, out, room);
			if (rc != GENREC_OK || d->n > 0) return rc;
			continue;
		}
		if (d->dec_done) {
			// Flush the resampler's delay line, as the CLI does at the end.
			if (d->swr) {
				int bound = swr_get_out_samples(d->swr, 0);
				if (bound > room) {
					d->n = bound;
					return GENREC_ROOM;
				}
				uint8_t *o = (uint8_t *)out;
				int got = swr_convert(d->swr, &o, bound, NULL, 0);
				if (got < 0) {
					set_err(d, "resampler flush", got);
					return got;
				}
				d->n = got;
			}
			d->done = 1;
			return GENREC_OK;
		}
		int rc = avcodec_receive_frame(d->codec, d->frame);
		if (rc == 0) {
			rc = accept(d);
			if (rc != 0) return rc;
			continue;
		}
		if (rc == AVERROR_EOF) {
			d->dec_done = 1;
			continue;
		}
		if (rc == AVERROR(EAGAIN)) {
			if (d->sent_flush) { // cannot happen with a well-behaved decoder
				d->dec_done = 1;
				continue;
			}
			rc = feed(d);
			if (rc < 0) {
				set_err(d, "decode", rc);
				return rc;
			}
			continue;
		}
		if (rc == AVERROR(ENOMEM)) {
			set_err(d, "decode", rc);
			return rc;
		}
		d->bad_packets++; // a decoding error: skip it, as the CLI does
	}
}

void genrec_close(genrec_dec *d) {
	swr_free(&d->swr);
	av_channel_layout_uninit(&d->in_layout);
	av_frame_free(&d->frame);
	av_packet_free(&d->pkt);
	avcodec_free_context(&d->codec);
	if (d->fmt) avformat_close_input(&d->fmt);
	if (d->avio) {
		av_freep(&d->avio->buffer);
		avio_context_free(&d->avio);
	}
}

int genrec_rate(const genrec_dec *d) { return d->codec ? d->codec->sample_rate : 0; }

int genrec_channels(const genrec_dec *d) { return d->codec ? d->codec->ch_layout.nb_channels : 0; }

double genrec_duration(const genrec_dec *d) {
	if (!d->fmt) return 0;
	if (d->fmt->duration != AV_NOPTS_VALUE && d->fmt->duration > 0)
		return (double)d->fmt->duration / AV_TIME_BASE;
	if (d->stream >= 0) {
		AVStream *st = d->fmt->streams[d->stream];
		if (st->duration != AV_NOPTS_VALUE && st->duration > 0) return st->duration * av_q2d(st->time_base);
	}
	return 0;
}

const char *genrec_format_name(const genrec_dec *d) {
	return d->fmt && d->fmt->iformat ? d->fmt->iformat->name : "";
}
