package tags

import (
	"bytes"
	"testing"
)

// FuzzRoundTrip feeds arbitrary files to the tag readers and planners: none
// may panic, and whenever a genre can be written, the rewritten file must
// read it back and keep every byte after the rewritten metadata.
func FuzzRoundTrip(f *testing.F) {
	tit2 := id3Frame3("TIT2", []byte{0, 'T'})
	audio := []byte{0xFF, 0xFB, 0x90, 0x64, 1, 2, 3, 4}
	f.Add(audio)
	f.Add(append(id3Tag(3, 0, 16, tit2, id3Frame3("TCON", []byte{0, '(', '1', '7', ')'})), audio...))
	f.Add(append(id3Tag(4, id3Footer, 0, id3Frame4("TCON", []byte{3, 'J', 0, 'K'})), audio...))
	f.Add(append(id3Tag(2, 0, 4, id3Frame2("TCO", []byte{1, 0xFF, 0xFE, 'x', 0})), audio...))
	vc := vorbisComment{vendor: []byte("v"), comments: [][]byte{[]byte("GENRE=Pop"), []byte("A=b")}}.encode()
	flac := append([]byte("fLaC\x00\x00\x00\x22"), make([]byte, 34)...)
	flac = append(flac, flacVorbisComment, 0, 0, byte(len(vc)))
	flac = append(flac, vc...)
	flac = append(flac, 0x80|flacPadding, 0, 0, 8)
	flac = append(flac, make([]byte, 8)...)
	f.Add(append(flac, 0xFF, 0xF8, 9, 9))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		format, id3Len, err := detect(r)
		if err != nil {
			return
		}
		var p plan
		switch format {
		case MP3:
			_, _ = readMP3Genre(r, int64(len(data)), id3Len)
			p, err = planMP3(r, id3Len, "Rock")
		case FLAC:
			_, _ = readFLACGenre(r, id3Len)
			p, err = planFLAC(r, id3Len, "Rock")
		}
		if err != nil {
			return
		}
		out := append(append([]byte(nil), p.head...), data[p.keepFrom:]...)
		nr := bytes.NewReader(out)
		nf, nid3, err := detect(nr)
		if err != nil || nf != format {
			t.Fatalf("rewritten file: format %v, %v; was %v", nf, err, format)
		}
		var g string
		if nf == MP3 {
			g, err = readMP3Genre(nr, int64(len(out)), nid3)
		} else {
			g, err = readFLACGenre(nr, nid3)
		}
		if err != nil || g != "Rock" {
			t.Fatalf("rewritten file reads %q, %v", g, err)
		}
	})
}
