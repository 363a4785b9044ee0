// Package bench measures genrec the way users feel it: how long decoding,
// resampling, each feature family and the model take per 30-s clip on one
// core, how many clips per second the whole pipeline analyses with one
// worker and with all of them, how that compares with decoding alone, how
// much it allocates per clip and how much memory the process peaks at.
//
// It can synthesise its own clips (30-s, 44.1 kHz stereo, 128 kbps mp3
// encoded by Debian's lame from tones, noise and a beat), so that the
// figures can be reproduced on a fresh machine. The command `genrec bench`
// prints its Report and writes it as JSON.
package bench
