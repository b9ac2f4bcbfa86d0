// Package uploadtest makes the hostile files that the upload tests and the upload bench send:
// images whose header promises far more pixels than their bytes hold, and files that only look
// like images. Each is the shape of a file an outside probe of the API sent.
package uploadtest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// PNG16 is a valid w×h PNG of 16-bit RGBA pixels, all transparent black, written a row at a time
// so that making it takes little memory. It compresses about a thousand times: 7000×7000 is
// about 380 KB, and decoding it takes 392 MB (8 bytes a pixel).
func PNG16(w, h int) []byte {
	var out bytes.Buffer
	out.Write(pngHeader(w, h))
	iw := &idatWriter{out: &out}
	zw, _ := zlib.NewWriterLevel(iw, zlib.DefaultCompression)
	row := make([]byte, 1+8*w) // filter byte 0, then the pixels
	for range h {
		_, _ = zw.Write(row)
	}
	_ = zw.Close()
	iw.flush()
	writeChunk(&out, "IEND", nil)
	return out.Bytes()
}

// PNGHeader is a PNG whose header declares w×h pixels of 16-bit RGBA (8 bytes a pixel) and whose
// image data is cut short: only a check of the header before decoding refuses it without
// allocating what it declares.
func PNGHeader(w, h int) []byte {
	var out bytes.Buffer
	out.Write(pngHeader(w, h))
	writeChunk(&out, "IDAT", []byte{0x78, 0x9c, 0x62, 0x00})
	writeChunk(&out, "IEND", nil)
	return out.Bytes()
}

func pngHeader(w, h int) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 6 // 16 bits, RGBA
	writeChunk(&out, "IHDR", ihdr)
	return out.Bytes()
}

func writeChunk(out io.Writer, kind string, data []byte) {
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(data)))
	copy(head[4:], kind)
	crc := crc32.NewIEEE()
	crc.Write(head[4:])
	crc.Write(data)
	_, _ = out.Write(head[:])
	_, _ = out.Write(data)
	_, _ = out.Write(binary.BigEndian.AppendUint32(nil, crc.Sum32()))
}

// idatWriter cuts the compressed stream into IDAT chunks of 64 KB.
type idatWriter struct {
	out *bytes.Buffer
	buf []byte
}

func (w *idatWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for len(w.buf) >= 64<<10 {
		writeChunk(w.out, "IDAT", w.buf[:64<<10])
		w.buf = w.buf[64<<10:]
	}
	return len(p), nil
}

func (w *idatWriter) flush() {
	if len(w.buf) > 0 {
		writeChunk(w.out, "IDAT", w.buf)
		w.buf = nil
	}
}

// Script is what WebPBomb carries in a chunk of its own.
const Script = "<script>alert(document.cookie)</script>"

// WebPBomb is the probe's 124-byte RIFF file: a VP8X chunk declaring a 16384×16384 canvas, a
// chunk holding a <script> (Script), and a VP8 frame whose header claims 16383×16383 with no
// picture after it.
func WebPBomb() []byte {
	vp8x := make([]byte, 10)
	putUint24(vp8x[4:], 16384-1)
	putUint24(vp8x[7:], 16384-1)
	frame := make([]byte, 38)
	copy(frame, []byte{0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a}) // key frame, start code
	binary.LittleEndian.PutUint16(frame[6:], 16383)
	binary.LittleEndian.PutUint16(frame[8:], 16383)
	b := riff(riffChunk("VP8X", vp8x), riffChunk("XSCR", []byte(Script)), riffChunk("VP8 ", frame))
	if len(b) != 124 {
		panic("uploadtest: the WebP bomb is not 124 bytes")
	}
	return b
}

// WebPGarbage is 48 bytes that start as a WebP file does ("RIFF", a right size, "WEBPVP8 ") and
// go on with nothing a decoder can read.
func WebPGarbage() []byte {
	junk := make([]byte, 28)
	for i := range junk {
		junk[i] = byte(i*37 + 11)
	}
	return riff(riffChunk("VP8 ", junk))
}

func riff(chunks ...[]byte) []byte {
	body := bytes.Join(chunks, nil)
	b := []byte("RIFF\x00\x00\x00\x00WEBP")
	binary.LittleEndian.PutUint32(b[4:], uint32(4+len(body)))
	return append(b, body...)
}

// riffChunk is a RIFF chunk: its id, its length, its data and a pad byte to an even length.
func riffChunk(id string, data []byte) []byte {
	c := append([]byte(id), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(c[4:], uint32(len(data)))
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// WebPWithChunk adds a chunk to a WebP file.
func WebPWithChunk(b []byte, id string, data []byte) []byte {
	return withChunk(b, riffChunk(id, data))
}

// withChunk puts chunk at the end of the WebP file b and corrects the RIFF size.
func withChunk(b, chunk []byte) []byte {
	out := append(append([]byte{}, b...), chunk...)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

func putUint24(b []byte, v uint32) {
	b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16)
}

// PNGWithChunk puts a chunk (its kind, its data, its CRC) before the first IDAT of a PNG file.
func PNGWithChunk(b []byte, kind string, data []byte) []byte {
	var chunk bytes.Buffer
	writeChunk(&chunk, kind, data)
	for q := 8; q+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[q:]))
		if string(b[q+4:q+8]) == "IDAT" {
			return append(append(append([]byte{}, b[:q]...), chunk.Bytes()...), b[q:]...)
		}
		q += 12 + n
	}
	panic("uploadtest: no IDAT")
}

// GPS stands for a location in the metadata the helpers below add; a stored image must not hold it.
const GPS = "GPS-LAT-29.0795-LNG-119.6474"

// exif is TIFF data with one entry, the orientation, and GPS after it.
func exif(orientation uint16) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	ifd := make([]byte, 2+12+4)
	binary.BigEndian.PutUint16(ifd[0:], 1)
	binary.BigEndian.PutUint16(ifd[2:], 0x0112)
	binary.BigEndian.PutUint16(ifd[4:], 3)
	binary.BigEndian.PutUint32(ifd[6:], 1)
	binary.BigEndian.PutUint16(ifd[10:], orientation)
	return append(append(tiff, ifd...), GPS...)
}

// JPEGWithExif puts an APP1 segment after a JPEG's SOI: an EXIF orientation and GPS.
func JPEGWithExif(jpg []byte, orientation uint16) []byte {
	payload := append([]byte("Exif\x00\x00"), exif(orientation)...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

// WebPWithExif adds an EXIF chunk to a WebP file: an orientation and GPS.
func WebPWithExif(b []byte, orientation uint16) []byte {
	return withChunk(b, riffChunk("EXIF", exif(orientation)))
}
