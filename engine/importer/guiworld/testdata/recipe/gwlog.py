#!/usr/bin/env python3
"""Drive an X display with xdotool for N frames at 15 fps and write the
GUIWorld action log of what was done: one CSV row per frame, columns
Timestamp, Timestamp_formated, X, Y, Left Click, Right Click, Key Events.
Usage: gwlog.py FRAMES OUT.csv (DISPLAY must be set)."""
import csv, math, subprocess, sys, time

frames, out = int(sys.argv[1]), sys.argv[2]
FPS = 15

def xdo(*args):
    subprocess.run(["xdotool", *args], check=True)

def mouse():
    o = subprocess.run(["xdotool", "getmouselocation", "--shell"], check=True, capture_output=True, text=True).stdout
    v = dict(line.split("=") for line in o.split())
    return int(v["X"]), int(v["Y"])

# The plan: glide in a circle over the terminal, click into it at frame 10,
# type "ls" and Return at frames 14-19, right-click at frame 30.
plan = {10: "click", 14: ("key", "l"), 16: ("key", "s"), 19: ("key", "Return"), 30: "rclick"}
start = time.monotonic()
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Timestamp", "Timestamp_formated", "X", "Y", "Left Click", "Right Click", "Key Events"])
    for k in range(frames):
        t = k / FPS
        time.sleep(max(0, start + t - time.monotonic()))
        a = 2 * math.pi * k / frames
        xdo("mousemove", str(int(300 + 120 * math.cos(a))), str(int(200 + 80 * math.sin(a))))
        left = right = 0
        keys = []
        step = plan.get(k)
        if step == "click":
            xdo("click", "1"); left = 1
        elif step == "rclick":
            xdo("click", "3"); right = 1
        elif isinstance(step, tuple):
            xdo("key", step[1]); keys = [("keydown", step[1]), ("keyup", step[1])]
        x, y = mouse()
        s, ms = int(t), round((t - int(t)) * 1000)
        w.writerow([f"{t:.6f}", f"{s}:{ms}", x, y, left, right, repr(keys)])
