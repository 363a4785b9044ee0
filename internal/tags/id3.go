package tags

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
)

// ID3v2 header flags (byte 5 of the header).
const (
	id3Unsync       = 0x80
	id3ExtHeader    = 0x40 // v2.3, v2.4; in v2.2 this bit means compression
	id3Experimental = 0x20 // v2.3, v2.4
	id3Footer       = 0x10 // v2.4
)

// newTagPadding is the zero padding given to a new or grown ID3v2 tag, so
// that later edits by other taggers fit in place.
const newTagPadding = 1024

// maxSyncsafe is the largest value a 4-byte syncsafe integer holds.
const maxSyncsafe = 1<<28 - 1

// id3Header is a parsed ID3v2 tag header.
type id3Header struct {
	major, revision byte
	flags           byte
	size            int64 // bytes after the header, excluding a footer
}

// hasFooter reports whether a v2.4 footer follows the tag.
func (h id3Header) hasFooter() bool { return h.major == 4 && h.flags&id3Footer != 0 }

// regionLen is the number of bytes the tag occupies at the file's start.
func (h id3Header) regionLen() int64 {
	n := 10 + h.size
	if h.hasFooter() {
		n += 10
	}
	return n
}

// frameHeaderLen is the length of a frame header in this version.
func (h id3Header) frameHeaderLen() int {
	if h.major == 2 {
		return 6
	}
	return 10
}

// genreID is the frame ID of the genre frame in this version.
func (h id3Header) genreID() string {
	if h.major == 2 {
		return "TCO"
	}
	return "TCON"
}

// parseID3Header parses the 10-byte header b, which starts with "ID3".
func parseID3Header(b []byte) (id3Header, error) {
	h := id3Header{major: b[3], revision: b[4], flags: b[5]}
	if h.major < 2 || h.major > 4 || h.revision == 0xFF {
		return h, fmt.Errorf("%w: ID3v2.%d.%d", ErrUnsupportedTag, h.major, h.revision)
	}
	size, ok := syncsafe(b[6:10])
	if !ok {
		return h, fmt.Errorf("%w: ID3v2 tag size is not syncsafe", ErrMalformed)
	}
	h.size = size
	return h, nil
}

// checkFlags refuses the header flags this package cannot handle.
func (h id3Header) checkFlags() error {
	known := byte(id3Unsync | id3ExtHeader)
	switch h.major {
	case 3:
		known |= id3Experimental
	case 4:
		known |= id3Experimental | id3Footer
	}
	switch {
	case h.flags&id3Unsync != 0:
		return fmt.Errorf("%w: ID3v2 unsynchronisation", ErrUnsupportedTag)
	case h.flags&id3ExtHeader != 0 && h.major == 2:
		return fmt.Errorf("%w: ID3v2.2 compression", ErrUnsupportedTag)
	case h.flags&id3ExtHeader != 0:
		return fmt.Errorf("%w: ID3v2 extended header", ErrUnsupportedTag)
	case h.flags&^known != 0:
		return fmt.Errorf("%w: unknown ID3v2.%d header flags %#02x", ErrUnsupportedTag, h.major, h.flags&^known)
	}
	return nil
}

// syncsafe decodes a big-endian integer of 7-bit bytes; ok is false when a
// byte has its top bit set.
func syncsafe(b []byte) (n int64, ok bool) {
	for _, c := range b {
		if c&0x80 != 0 {
			return 0, false
		}
		n = n<<7 | int64(c)
	}
	return n, true
}

// appendSyncsafe appends n (at most maxSyncsafe) as 4 syncsafe bytes.
func appendSyncsafe(b []byte, n int) []byte {
	return append(b, byte(n>>21&0x7F), byte(n>>14&0x7F), byte(n>>7&0x7F), byte(n&0x7F))
}

// id3Frame is one frame of an ID3v2 tag.
type id3Frame struct {
	id    string
	flags [2]byte // zero in v2.2
	raw   []byte  // the whole frame, header included
	data  []byte  // the frame's content after its header
}

// parseFrames splits the tag body (the bytes after the header) into
// frames, stopping at the padding.
func parseFrames(h id3Header, body []byte) ([]id3Frame, error) {
	hl := h.frameHeaderLen()
	idLen := len(h.genreID()) // 3 in v2.2, 4 later
	var frames []id3Frame
	for pos := 0; len(body)-pos >= hl && body[pos] != 0; {
		hdr := body[pos : pos+hl]
		id := string(hdr[:idLen])
		for _, c := range []byte(id) {
			if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
				return nil, fmt.Errorf("%w: bad frame ID %q at tag offset %d", ErrMalformed, id, 10+pos)
			}
		}
		var size int64
		switch h.major {
		case 2:
			size = int64(hdr[3])<<16 | int64(hdr[4])<<8 | int64(hdr[5])
		case 3:
			size = int64(binary.BigEndian.Uint32(hdr[4:8]))
		default:
			var ok bool
			if size, ok = syncsafe(hdr[4:8]); !ok {
				return nil, fmt.Errorf("%w: frame %s size is not syncsafe", ErrMalformed, id)
			}
		}
		end := int64(pos) + int64(hl) + size
		if end > int64(len(body)) {
			return nil, fmt.Errorf("%w: frame %s (%d bytes) runs past the end of the tag", ErrMalformed, id, size)
		}
		fr := id3Frame{id: id, raw: body[pos:end], data: body[pos+hl : end]}
		if h.major > 2 {
			fr.flags = [2]byte{hdr[8], hdr[9]}
		}
		frames = append(frames, fr)
		pos = int(end)
	}
	return frames, nil
}

// readID3 reads and parses the ID3v2 tag of length n at the start of r.
func readID3(r io.ReaderAt, n int64) (id3Header, []byte, []id3Frame, error) {
	region, err := readSpan(r, 0, n)
	if err != nil {
		if err == io.ErrUnexpectedEOF {
			err = fmt.Errorf("%w: ID3v2 tag runs past the end of the file", ErrMalformed)
		}
		return id3Header{}, nil, nil, err
	}
	h, err := parseID3Header(region[:10])
	if err != nil {
		return h, nil, nil, err
	}
	if err := h.checkFlags(); err != nil {
		return h, nil, nil, err
	}
	frames, err := parseFrames(h, region[10:10+h.size])
	if err != nil {
		return h, nil, nil, err
	}
	return h, region, frames, nil
}

// frameText returns the strings of a text frame.
func frameText(h id3Header, fr id3Frame) ([]string, error) {
	d := fr.data
	switch h.major {
	case 3:
		if fr.flags[1]&0xC0 != 0 {
			return nil, fmt.Errorf("%w: compressed or encrypted %s frame", ErrUnsupportedTag, fr.id)
		}
		if fr.flags[1]&0x20 != 0 { // grouping identity byte
			d = skip(d, 1)
		}
	case 4:
		if fr.flags[1]&0x0E != 0 {
			return nil, fmt.Errorf("%w: compressed, encrypted or unsynchronised %s frame", ErrUnsupportedTag, fr.id)
		}
		if fr.flags[1]&0x40 != 0 { // grouping identity byte
			d = skip(d, 1)
		}
		if fr.flags[1]&0x01 != 0 { // data length indicator
			d = skip(d, 4)
		}
	}
	if len(d) == 0 {
		return nil, nil
	}
	return decodeText(d[0], d[1:])
}

// skip drops the first n bytes of b, or all of it.
func skip(b []byte, n int) []byte {
	if len(b) < n {
		return nil
	}
	return b[n:]
}

// decodeText decodes NUL-separated ID3v2 text in encoding enc (0
// ISO-8859-1, 1 UTF-16 with BOM, 2 UTF-16BE, 3 UTF-8), dropping empty
// trailing strings.
func decodeText(enc byte, b []byte) ([]string, error) {
	var out []string
	switch enc {
	case 0, 3:
		for _, part := range bytes.Split(b, []byte{0}) {
			if enc == 3 {
				out = append(out, strings.ToValidUTF8(string(part), "\uFFFD"))
				continue
			}
			rs := make([]rune, len(part))
			for i, c := range part {
				rs[i] = rune(c)
			}
			out = append(out, string(rs))
		}
	case 1, 2:
		var units []uint16
		flush := func() {
			bigEndian := enc == 2
			u := units
			if len(u) > 0 && (u[0] == 0xFEFF || u[0] == 0xFFFE) {
				// Units were read big-endian; 0xFFFE is a little-endian BOM.
				bigEndian = u[0] == 0xFEFF
				u = u[1:]
			}
			if !bigEndian {
				for i := range u {
					u[i] = u[i]>>8 | u[i]<<8
				}
			}
			out = append(out, string(utf16.Decode(u)))
			units = nil
		}
		for i := 0; i+1 < len(b); i += 2 {
			u := uint16(b[i])<<8 | uint16(b[i+1])
			if u == 0 {
				flush()
				continue
			}
			units = append(units, u)
		}
		flush()
	default:
		return nil, fmt.Errorf("%w: unknown text encoding %d", ErrMalformed, enc)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out, nil
}

// resolveGenres turns TCON values into genre names: ID3v1 references
// "(17)" (v2.2, v2.3) and bare numbers "17" (v2.4) become the genre name,
// "RX" and "CR" become Remix and Cover, "((" escapes a parenthesis, and a
// refinement after references ("(4)Eurodisco") wins over them.
func resolveGenres(values []string) string {
	var names []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		var refs []string
		for strings.HasPrefix(v, "(") && !strings.HasPrefix(v, "((") {
			end := strings.IndexByte(v, ')')
			if end < 0 {
				break
			}
			refs = append(refs, genreRef(v[1:end]))
			v = v[end+1:]
		}
		if strings.HasPrefix(v, "((") {
			v = v[1:]
		}
		v = strings.TrimSpace(v)
		switch {
		case v != "":
			names = append(names, genreRef(v))
		default:
			names = append(names, refs...)
		}
	}
	return strings.Join(names, "; ")
}

// genreRef names an ID3v1 genre number or the keywords RX and CR; other
// text is returned as it is.
func genreRef(s string) string {
	switch s {
	case "RX":
		return "Remix"
	case "CR":
		return "Cover"
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < len(id3v1Genres) && s == strconv.Itoa(n) {
		return id3v1Genres[n]
	}
	return s
}

// readMP3Genre reads the genre of an mp3 file of the given size whose
// ID3v2 tag is id3Len bytes long.
func readMP3Genre(r io.ReaderAt, size, id3Len int64) (string, error) {
	if id3Len > 0 {
		h, _, frames, err := readID3(r, id3Len)
		if err != nil {
			return "", err
		}
		var values []string
		found := false
		for _, fr := range frames {
			if fr.id != h.genreID() {
				continue
			}
			found = true
			vs, err := frameText(h, fr)
			if err != nil {
				return "", err
			}
			values = append(values, vs...)
		}
		if found {
			return resolveGenres(values), nil
		}
	}
	return readID3v1Genre(r, size, id3Len)
}

// readID3v1Genre returns the genre of an ID3v1 tag in the last 128 bytes,
// if there is one there (after the ID3v2 tag) and it names a genre.
func readID3v1Genre(r io.ReaderAt, size, id3Len int64) (string, error) {
	if size-id3Len < 128 {
		return "", nil
	}
	var tail [128]byte
	if _, err := r.ReadAt(tail[:], size-128); err != nil {
		return "", err
	}
	if string(tail[:3]) != "TAG" || tail[127] == 0xFF {
		return "", nil
	}
	return genreRef(strconv.Itoa(int(tail[127]))), nil
}

// genreFrame returns a TCON (TCO) frame holding genre for the tag version
// of h.
func genreFrame(h id3Header, genre string) ([]byte, error) {
	if h.major < 4 && strings.HasPrefix(genre, "(") {
		genre = "(" + genre // escaped, so it is not read as a reference
	}
	var text []byte
	latin1 := true
	for _, r := range genre {
		if r > 0xFF {
			latin1 = false
			break
		}
	}
	switch {
	case latin1:
		text = append(text, 0)
		for _, r := range genre {
			text = append(text, byte(r))
		}
	case h.major == 4:
		text = append(append(text, 3), genre...)
	default:
		text = append(text, 1, 0xFF, 0xFE)
		for _, u := range utf16.Encode([]rune(genre)) {
			text = binary.LittleEndian.AppendUint16(text, u)
		}
	}
	var fr []byte
	switch h.major {
	case 2:
		if len(text) > 1<<24-1 {
			return nil, errors.New("genre too long")
		}
		fr = append([]byte("TCO"), byte(len(text)>>16), byte(len(text)>>8), byte(len(text)))
	case 3:
		fr = binary.BigEndian.AppendUint32([]byte("TCON"), uint32(len(text)))
		fr = append(fr, 0, 0)
	default:
		if len(text) > maxSyncsafe {
			return nil, errors.New("genre too long")
		}
		fr = appendSyncsafe([]byte("TCON"), len(text))
		fr = append(fr, 0, 0)
	}
	return append(fr, text...), nil
}

// planMP3 builds the new ID3v2 tag of an mp3 file whose current tag is
// id3Len bytes long (0: none).
func planMP3(r io.ReaderAt, id3Len int64, genre string) (plan, error) {
	h := id3Header{major: 3}
	var region []byte
	var frames []id3Frame
	if id3Len > 0 {
		var err error
		if h, region, frames, err = readID3(r, id3Len); err != nil {
			return plan{}, err
		}
	}
	tcon, err := genreFrame(h, genre)
	if err != nil {
		return plan{}, err
	}
	body := make([]byte, 0, len(region)+len(tcon)+newTagPadding)
	placed := false
	for _, fr := range frames {
		if fr.id != h.genreID() {
			body = append(body, fr.raw...)
			continue
		}
		if !placed {
			body = append(body, tcon...)
			placed = true
		}
	}
	if !placed {
		body = append(body, tcon...)
	}
	size := len(body) + newTagPadding
	if capacity := int(id3Len) - 10; len(body) <= capacity {
		size = capacity // keep the tag's length: the audio does not move
	}
	if size > maxSyncsafe {
		return plan{}, fmt.Errorf("ID3v2 tag would exceed %d bytes", maxSyncsafe)
	}
	tag := make([]byte, 0, 10+size)
	tag = append(tag, 'I', 'D', '3', h.major, h.revision, h.flags&^id3Footer)
	tag = appendSyncsafe(tag, size)
	tag = append(tag, body...)
	tag = append(tag, make([]byte, size-len(body))...)
	return plan{head: tag, keepFrom: id3Len, same: bytes.Equal(tag, region)}, nil
}

// id3v1Genres are the genres 0–79 of the ID3v1 specification, referenced
// by number from ID3v1 tails and from ID3v2 TCON frames.
var id3v1Genres = [...]string{
	"Blues", "Classic Rock", "Country", "Dance", "Disco", "Funk", "Grunge", "Hip-Hop",
	"Jazz", "Metal", "New Age", "Oldies", "Other", "Pop", "R&B", "Rap",
	"Reggae", "Rock", "Techno", "Industrial", "Alternative", "Ska", "Death Metal", "Pranks",
	"Soundtrack", "Euro-Techno", "Ambient", "Trip-Hop", "Vocal", "Jazz+Funk", "Fusion", "Trance",
	"Classical", "Instrumental", "Acid", "House", "Game", "Sound Clip", "Gospel", "Noise",
	"AlternRock", "Bass", "Soul", "Punk", "Space", "Meditative", "Instrumental Pop", "Instrumental Rock",
	"Ethnic", "Gothic", "Darkwave", "Techno-Industrial", "Electronic", "Pop-Folk", "Eurodance", "Dream",
	"Southern Rock", "Comedy", "Cult", "Gangsta", "Top 40", "Christian Rap", "Pop/Funk", "Jungle",
	"Native American", "Cabaret", "New Wave", "Psychadelic", "Rave", "Showtunes", "Trailer", "Lo-Fi",
	"Tribal", "Acid Punk", "Acid Jazz", "Polka", "Retro", "Musical", "Rock & Roll", "Hard Rock",
}
