// Package video reads and writes videos through an ffmpeg subprocess
// (Debian's ffmpeg; `make deps` installs it): frames come out as raw RGB at
// a chosen size and frame rate, and go in as raw RGB to a lossless H.264
// RGB stream, so that an exported trace imports back pixel for pixel.
package video

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// Info is what ffprobe says of a video's first video stream.
type Info struct {
	Width, Height int
	FPS           float64 // average frame rate
	Frames        int     // 0 when the container does not say
}

// Probe reads a video's size and frame rate.
func Probe(path string) (Info, error) {
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
		"stream=width,height,avg_frame_rate,nb_frames", "-of", "json", path).Output()
	if err != nil {
		return Info{}, fmt.Errorf("%s: ffprobe: %w%s", path, err, stderrOf(err))
	}
	var p struct {
		Streams []struct {
			Width, Height int
			AvgFrameRate  string `json:"avg_frame_rate"`
			NbFrames      string `json:"nb_frames"`
		}
	}
	if err := json.Unmarshal(out, &p); err != nil || len(p.Streams) == 0 {
		return Info{}, fmt.Errorf("%s: no video stream", path)
	}
	s := p.Streams[0]
	info := Info{Width: s.Width, Height: s.Height}
	if num, den, ok := strings.Cut(s.AvgFrameRate, "/"); ok {
		n, _ := strconv.ParseFloat(num, 64)
		d, _ := strconv.ParseFloat(den, 64)
		if d > 0 {
			info.FPS = n / d
		}
	}
	info.Frames, _ = strconv.Atoi(s.NbFrames)
	if info.Width < 1 || info.Height < 1 {
		return Info{}, fmt.Errorf("%s: video of %dx%d pixels", path, info.Width, info.Height)
	}
	return info, nil
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return ": " + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}

// Reader decodes a video into frames of a fixed size.
type Reader struct {
	cmd    *exec.Cmd
	out    *bufio.Reader
	stderr bytes.Buffer
	w, h   int
	buf    []byte
	path   string
}

// Open starts decoding path scaled to w x h (area averaging) at fps frames
// per second (0: the video's own rate).
func Open(path string, w, h int, fps float64) (*Reader, error) {
	args := []string{"-v", "error", "-nostdin", "-i", path}
	filter := fmt.Sprintf("scale=%d:%d:flags=area", w, h)
	if fps > 0 {
		filter = fmt.Sprintf("fps=%g,", fps) + filter
	}
	args = append(args, "-vf", filter, "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
	r := &Reader{cmd: exec.Command("ffmpeg", args...), w: w, h: h, path: path, buf: make([]byte, 3*w*h)}
	r.cmd.Stderr = &r.stderr
	pipe, err := r.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := r.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: ffmpeg (make deps installs it): %w", path, err)
	}
	r.out = bufio.NewReaderSize(pipe, 3*w*h)
	return r, nil
}

// Next decodes the next frame into dst (w x h); io.EOF after the last.
func (r *Reader) Next(dst *image.RGBA) error {
	buf := r.buf
	if _, err := io.ReadFull(r.out, buf); err != nil {
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			if werr := r.cmd.Wait(); werr != nil {
				return fmt.Errorf("%s: ffmpeg: %v: %s", r.path, werr, strings.TrimSpace(r.stderr.String()))
			}
			r.cmd = nil
			return io.EOF
		}
		return err
	}
	for i := range r.w * r.h {
		dst.Pix[4*i], dst.Pix[4*i+1], dst.Pix[4*i+2], dst.Pix[4*i+3] = buf[3*i], buf[3*i+1], buf[3*i+2], 255
	}
	return nil
}

// Close stops decoding.
func (r *Reader) Close() {
	if r.cmd != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
	}
}

// Writer encodes frames into a lossless H.264 RGB video (libx264rgb,
// qp 0): an MP4 that decodes back to the exact pixels.
type Writer struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	stderr bytes.Buffer
	buf    []byte
	path   string
}

// Create starts encoding w x h frames at fps into path (overwritten).
func Create(path string, w, h int, fps float64) (*Writer, error) {
	wr := &Writer{path: path, buf: make([]byte, 3*w*h)}
	wr.cmd = exec.Command("ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
		"-s", fmt.Sprintf("%dx%d", w, h), "-r", strconv.FormatFloat(fps, 'g', -1, 64), "-i", "-",
		"-c:v", "libx264rgb", "-qp", "0", "-preset", "veryfast", path)
	wr.cmd.Stderr = &wr.stderr
	var err error
	if wr.in, err = wr.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := wr.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: ffmpeg (make deps installs it): %w", path, err)
	}
	return wr, nil
}

// Write encodes one frame.
func (wr *Writer) Write(img *image.RGBA) error {
	for i := range len(wr.buf) / 3 {
		wr.buf[3*i], wr.buf[3*i+1], wr.buf[3*i+2] = img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2]
	}
	if _, err := wr.in.Write(wr.buf); err != nil {
		return fmt.Errorf("%s: ffmpeg: %v: %s", wr.path, err, strings.TrimSpace(wr.stderr.String()))
	}
	return nil
}

// Close finishes the file.
func (wr *Writer) Close() error {
	wr.in.Close()
	if err := wr.cmd.Wait(); err != nil {
		return fmt.Errorf("%s: ffmpeg: %v: %s", wr.path, err, strings.TrimSpace(wr.stderr.String()))
	}
	return nil
}
