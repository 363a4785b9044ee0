package tags

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

// FLAC metadata block types.
const (
	flacStreamInfo    = 0
	flacPadding       = 1
	flacVorbisComment = 4
	flacInvalid       = 127
)

// maxBlockLen is the largest length a FLAC metadata block header holds.
const maxBlockLen = 1<<24 - 1

// newVendor is the vendor string of a VORBIS_COMMENT block genrec creates.
const newVendor = "genrec"

// flacBlock is one metadata block; data excludes the 4-byte header.
type flacBlock struct {
	typ  byte
	data []byte
}

// readFLACBlocks reads the metadata blocks of the FLAC stream whose "fLaC"
// marker is at start, and returns them with the offset of the first audio
// frame.
func readFLACBlocks(r io.ReaderAt, start int64) ([]flacBlock, int64, error) {
	var blocks []flacBlock
	pos := start + 4
	for {
		var hdr [4]byte
		if _, err := r.ReadAt(hdr[:], pos); err != nil {
			return nil, 0, fmt.Errorf("%w: FLAC metadata block header at %d: %v", ErrMalformed, pos, err)
		}
		last, typ := hdr[0]&0x80 != 0, hdr[0]&0x7F
		n := int64(hdr[1])<<16 | int64(hdr[2])<<8 | int64(hdr[3])
		if typ == flacInvalid {
			return nil, 0, fmt.Errorf("%w: invalid FLAC metadata block type at %d", ErrMalformed, pos)
		}
		if len(blocks) == 0 && typ != flacStreamInfo {
			return nil, 0, fmt.Errorf("%w: first FLAC metadata block is type %d, not STREAMINFO", ErrMalformed, typ)
		}
		if pos+4+n-start > maxMeta {
			return nil, 0, fmt.Errorf("%w: FLAC metadata larger than %d bytes", ErrMalformed, maxMeta)
		}
		data, err := readSpan(r, pos+4, n)
		if err != nil {
			return nil, 0, fmt.Errorf("%w: FLAC metadata block at %d: %v", ErrMalformed, pos, err)
		}
		blocks = append(blocks, flacBlock{typ: typ, data: data})
		pos += 4 + n
		if last {
			return blocks, pos, nil
		}
	}
}

// vorbisComment is a parsed VORBIS_COMMENT block.
type vorbisComment struct {
	vendor   []byte
	comments [][]byte // "NAME=value", as stored
}

// parseVorbisComment parses the content of a VORBIS_COMMENT block.
func parseVorbisComment(b []byte) (vorbisComment, error) {
	var vc vorbisComment
	next := func(what string) ([]byte, error) {
		if len(b) < 4 {
			return nil, fmt.Errorf("%w: VORBIS_COMMENT %s length truncated", ErrMalformed, what)
		}
		n := binary.LittleEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			return nil, fmt.Errorf("%w: VORBIS_COMMENT %s runs past the block", ErrMalformed, what)
		}
		s := b[4 : 4+n]
		b = b[4+n:]
		return s, nil
	}
	var err error
	if vc.vendor, err = next("vendor string"); err != nil {
		return vc, err
	}
	if len(b) < 4 {
		return vc, fmt.Errorf("%w: VORBIS_COMMENT count truncated", ErrMalformed)
	}
	count := binary.LittleEndian.Uint32(b)
	b = b[4:]
	if uint64(count) > uint64(len(b)/4) {
		return vc, fmt.Errorf("%w: VORBIS_COMMENT count %d too large for the block", ErrMalformed, count)
	}
	for range count {
		c, err := next("comment")
		if err != nil {
			return vc, err
		}
		vc.comments = append(vc.comments, c)
	}
	return vc, nil
}

// encode returns the block content of vc.
func (vc vorbisComment) encode() []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vc.vendor)))
	b = append(b, vc.vendor...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vc.comments)))
	for _, c := range vc.comments {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(c)))
		b = append(b, c...)
	}
	return b
}

// genreValue returns the value of comment c if it is a GENRE field.
func genreValue(c []byte) (string, bool) {
	name, value, ok := bytes.Cut(c, []byte("="))
	if !ok || !strings.EqualFold(string(name), "GENRE") {
		return "", false
	}
	return string(value), true
}

// vorbisCommentIndex returns the index of the VORBIS_COMMENT block, or -1;
// a stream with more than one is malformed.
func vorbisCommentIndex(blocks []flacBlock) (int, error) {
	idx := -1
	for i, b := range blocks {
		if b.typ != flacVorbisComment {
			continue
		}
		if idx >= 0 {
			return -1, fmt.Errorf("%w: more than one VORBIS_COMMENT block", ErrMalformed)
		}
		idx = i
	}
	return idx, nil
}

// readFLACGenre reads the GENRE comments of the FLAC stream at start.
func readFLACGenre(r io.ReaderAt, start int64) (string, error) {
	blocks, _, err := readFLACBlocks(r, start)
	if err != nil {
		return "", err
	}
	idx, err := vorbisCommentIndex(blocks)
	if err != nil || idx < 0 {
		return "", err
	}
	vc, err := parseVorbisComment(blocks[idx].data)
	if err != nil {
		return "", err
	}
	var values []string
	for _, c := range vc.comments {
		if v, ok := genreValue(c); ok && strings.TrimSpace(v) != "" {
			values = append(values, strings.TrimSpace(v))
		}
	}
	return strings.Join(values, "; "), nil
}

// planFLAC builds the new metadata of the FLAC stream whose "fLaC" marker
// is at start, keeping the bytes before it.
func planFLAC(r io.ReaderAt, start int64, genre string) (plan, error) {
	blocks, end, err := readFLACBlocks(r, start)
	if err != nil {
		return plan{}, err
	}
	idx, err := vorbisCommentIndex(blocks)
	if err != nil {
		return plan{}, err
	}
	vc := vorbisComment{vendor: []byte(newVendor)}
	oldLen := 0
	if idx >= 0 {
		if vc, err = parseVorbisComment(blocks[idx].data); err != nil {
			return plan{}, err
		}
		oldLen = 4 + len(blocks[idx].data)
	}
	field := []byte("GENRE=" + genre)
	comments := make([][]byte, 0, len(vc.comments)+1)
	placed := false
	for _, c := range vc.comments {
		if _, ok := genreValue(c); !ok {
			comments = append(comments, c)
		} else if !placed {
			comments = append(comments, field)
			placed = true
		}
	}
	if !placed {
		comments = append(comments, field)
	}
	vc.comments = comments
	data := vc.encode()
	if len(data) > maxBlockLen {
		return plan{}, fmt.Errorf("VORBIS_COMMENT block would exceed %d bytes", maxBlockLen)
	}
	nb := append([]flacBlock(nil), blocks...)
	if idx >= 0 {
		nb[idx] = flacBlock{typ: flacVorbisComment, data: data}
	} else {
		at := len(nb)
		for i, b := range nb {
			if b.typ == flacPadding {
				at = i
				break
			}
		}
		nb = append(nb[:at], append([]flacBlock{{typ: flacVorbisComment, data: data}}, nb[at:]...)...)
	}
	nb = absorbInPadding(nb, 4+len(data)-oldLen)

	head := make([]byte, 0, end)
	if start > 0 {
		prefix, err := readSpan(r, 0, start)
		if err != nil {
			return plan{}, fmt.Errorf("read ID3v2 prefix: %w", err)
		}
		head = append(head, prefix...)
	}
	head = append(head, "fLaC"...)
	for i, b := range nb {
		t := b.typ
		if i == len(nb)-1 {
			t |= 0x80
		}
		head = append(head, t, byte(len(b.data)>>16), byte(len(b.data)>>8), byte(len(b.data)))
		head = append(head, b.data...)
	}
	same := false
	if int64(len(head)) == end {
		old, err := readSpan(r, 0, end)
		if err != nil {
			return plan{}, fmt.Errorf("read metadata: %w", err)
		}
		same = bytes.Equal(old, head)
	}
	return plan{head: head, keepFrom: end, same: same}, nil
}

// absorbInPadding takes delta bytes of metadata growth from the first
// PADDING block (or gives a shrink of -delta to it) when that keeps the
// metadata length, and so the audio offset, unchanged; otherwise it
// returns blocks as they are.
func absorbInPadding(blocks []flacBlock, delta int) []flacBlock {
	if delta == 0 {
		return blocks
	}
	for i, b := range blocks {
		if b.typ != flacPadding {
			continue
		}
		n := len(b.data) - delta
		switch {
		case n >= 0 && n <= maxBlockLen:
			blocks[i] = flacBlock{typ: flacPadding, data: make([]byte, n)}
		case n == -4: // the padding block, header included, is exactly used up
			blocks = append(blocks[:i], blocks[i+1:]...)
		}
		return blocks
	}
	return blocks
}
