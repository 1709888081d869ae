// Package guiworld reads and writes the action logs of the NeuralComputer
// data pipeline (GUIWorld) and converts them to and from our per-frame
// actions (package action). It only parses: decoding the videos the logs
// go with, and writing traces, is left to others.
//
// Two formats are read:
//
// GUIWorld CSV (ReadCSV, WriteCSV): one file per video (actions/NAME.csv
// next to videos/NAME.mp4), one row per video frame (15 fps, 1024x768
// screens), with the columns
//
//	Timestamp,Timestamp_formated,X,Y,Left Click,Right Click,Key Events
//	0.066667,0:67,515,380,1,0,"[('keydown', 'a'), ('keyup', 'Shift_L')]"
//
// Timestamp is seconds since the recording started; Timestamp_formated is
// the same time as s:ms with unpadded milliseconds (1.05 s is "1:50"); Key
// Events is a Python list literal of ('keydown'|'keyup', keysym) tuples in
// no particular order. Where the format is silent, ReadCSV is liberal:
//   - spaces after commas, a UTF-8 byte order mark, CRLF line ends and
//     spaces around numbers are accepted;
//   - X and Y may be written as integral decimals ("12.0", as pandas writes
//     a float column); the click columns as 0/1, True/False (any case) or
//     0.0/1.0;
//   - Timestamp_formated agrees with Timestamp when it is within a
//     millisecond of it, so writers that truncate instead of round, or do
//     not carry 1000 ms into the seconds, are read; it must be digits:digits;
//   - Key Events may use single or double quotes, spaces anywhere, trailing
//     commas and Python's string escapes (not \N{...}); keysyms may be any
//     string, kept as written; the keydown/keyup names are read in any case;
//     an empty field is an empty list;
//   - a header-only file has no rows, an empty file is an error.
//
// ReadCSV keeps Timestamp to the microsecond, the precision WriteCSV
// writes, and rejects times that are negative, over 1e9 s, or lower than
// the row before. WriteCSV is strict: the header without spaces, as pandas
// and Python's csv module write it, LF line ends, Timestamp with up to six
// decimals in minimal form, Timestamp_formated rounded to the millisecond,
// clicks as 0/1, Key Events as [('keydown', 'a'), ('keyup', 'a')] with
// single quotes and Python escapes, quoted for CSV only when needed.
//
// Computer-use JSON logs (ReadActionLog): a JSON array of action objects, or
// a stream of them, one per line (JSON lines; blank lines and objects
// spread over lines are accepted). The fields read are action, x, y, text,
// key, scroll_direction, scroll_amount and timestamp; numbers may also be
// written as strings, and as in Anthropic's computer-use tool, "coordinate":
// [x, y] stands for x and y when those are absent.
//
// Conversions: Actions and Rows turn CSV rows into one action.Action per
// frame and back; LogActions lays a computer-use log out on frames. Their
// docs say what each form cannot hold.
package guiworld

// Limits that keep a damaged or hostile file from using up memory, and
// times within what float64 holds to the microsecond.
const (
	maxTime   = 1e9       // seconds; over 31 years
	maxFile   = 256 << 20 // largest JSON log read
	maxFrames = 1 << 22   // most frames LogActions lays out: 77 hours at 15 fps
	maxCoord  = 1 << 30   // largest |x| or |y| of a JSON log
	maxScroll = 1 << 20   // largest |scroll_amount|
)

// FPS and the screen size of GUIWorld recordings.
const (
	FPS    = 15
	Width  = 1024
	Height = 768
)
