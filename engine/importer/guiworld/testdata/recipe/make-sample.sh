#!/usr/bin/env bash
# Makes ../sample/ in the GUIWorld layout by the data pipeline's recipe: an
# X desktop (Xvfb, twm, xterm) recorded by ffmpeg x11grab while gwlog.py
# drives it with xdotool and logs the actions. Run from this directory;
# needs Xvfb, twm, xterm, xdotool, ffmpeg, python3.
set -euo pipefail
cd "$(dirname "$0")"
out=../sample
rm -rf "$out" && mkdir -p "$out/videos" "$out/actions"
Xvfb :77 -screen 0 1024x768x24 -nolisten tcp & xvfb=$!
trap 'kill $xvfb 2>/dev/null' EXIT
export DISPLAY=:77
sleep 1
twm -f ../../../../record/x11/testdata/twmrc 2>/dev/null & sleep 0.5
xterm -geometry 60x16+100+100 -xrm 'XTerm*pointerMode: 0' & sleep 1.5
ffmpeg -v error -f x11grab -framerate 15 -video_size 1024x768 -i :77 -frames:v 45 \
	-c:v libx264 -crf 35 -pix_fmt yuv420p "$out/videos/sample.mp4" &
ff=$!
python3 gwlog.py 45 "$out/actions/sample.csv"
wait $ff
