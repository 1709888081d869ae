package studio

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A page is one of the studio's pages.
type page struct {
	name  string
	icon  fyne.Resource
	about string
	built bool
}

// pages lists the studio's pages in the order the sidebar shows them; the
// ones not built yet are listed so newcomers see the plan.
var pages = []page{
	{"Play", theme.MediaPlayIcon(), "drive a neural desktop with your mouse and keyboard", true},
	{"Library", theme.StorageIcon(), "checkpoints and traces on this machine", true},
	{"Sandbox & record", theme.MediaRecordIcon(), "use and record the sandbox desktop, edit its spec, record the X display, generate synthetic traces", true},
	{"Train", theme.ComputerIcon(), "fine-tune a neural computer on your traces, on the CPU or with CUDA", true},
	{"Debug", theme.SearchIcon(), "a trace against one or two checkpoints on its actions: frames, differences, cursors, PSNR timeline", true},
	{"Evaluate", theme.ConfirmIcon(), "score checkpoints on held-out traces, compare them, export a report", true},
}

// sidebarNote reminds that the studio arranges commands that also run alone.
const sidebarNote = "Every page is also an ncstudio command: ncstudio help lists them."

// content builds the window: a sidebar (brand, a note)
// and the built pages as tabs, to which it adds the Welcome page.
func content(opts Options, icon fyne.Resource, tabs *container.AppTabs) fyne.CanvasObject {
	tabs.Append(container.NewTabItemWithIcon("Welcome", theme.HomeIcon(), mainArea(opts)))
	return container.NewBorder(nil, nil, sidebar(icon), nil, tabs)
}

func sidebar(icon fyne.Resource) fyne.CanvasObject {
	img := canvas.NewImageFromResource(icon)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(48, 48))
	name := widget.NewLabelWithStyle(Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.SizeName = theme.SizeNameSubHeadingText
	brand := container.NewHBox(img, container.NewCenter(name))

	items := container.NewVBox()
	for _, p := range pages {
		if p.built {
			continue
		}
		l := widget.NewLabel(p.name)
		l.Importance = widget.LowImportance
		items.Add(container.NewHBox(widget.NewIcon(theme.NewDisabledResource(p.icon)), l))
	}
	soon := widget.NewLabel(sidebarNote)
	soon.Importance = widget.LowImportance
	soon.TextStyle = fyne.TextStyle{Italic: true}
	soon.Wrapping = fyne.TextWrapWord

	bar := container.NewVBox(brand, widget.NewSeparator(), items, soon)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	return container.NewHBox(container.NewStack(bg, container.NewPadded(bar)), widget.NewSeparator())
}

func mainArea(opts Options) fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Welcome to NC Studio", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	intro := widget.NewLabel("NC Studio is a desktop studio for neural computers: video models that act as the " +
		"running computer. They keep a runtime state, update it from the last screen frame and your mouse " +
		"and keyboard actions, and draw the next frame, learning only from recorded screen-and-action traces.")
	intro.Wrapping = fyne.TextWrapWord

	plan := container.NewVBox()
	plan.Add(wrapped("Everything is also available as ncstudio commands."))
	plan.Add(container.New(layout.NewFormLayout(), pageRows()...))

	cmds := container.NewVBox(wrapped("Everything that exists so far runs from the terminal. " +
		"Run `ncstudio help COMMAND` for a command's flags; most accept --json."))
	if len(opts.Commands) == 0 {
		cmds.Add(wrapped("(no commands registered)"))
	} else {
		cmds.Add(container.New(layout.NewFormLayout(), commandRows(opts.Commands)...))
	}

	version := opts.Version
	if version == "" {
		version = "version unknown"
	}
	footer := widget.NewLabel(version)
	footer.Importance = widget.LowImportance
	footer.Wrapping = fyne.TextWrapWord

	body := container.NewVBox(
		title,
		intro,
		widget.NewCard("Studio pages", "", plan),
		widget.NewCard("Command line", "", cmds),
	)
	return container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), footer), nil, nil,
		container.NewScroll(container.NewPadded(body)))
}

func pageRows() []fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, p := range pages {
		name := widget.NewLabelWithStyle(p.name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		about := widget.NewLabel(p.about)
		about.Importance = widget.LowImportance
		about.Truncation = fyne.TextTruncateEllipsis
		if !p.built {
			about.SetText(p.about + " (coming)")
		}
		rows = append(rows, container.NewHBox(widget.NewIcon(p.icon), name), about)
	}
	return rows
}

// commandRows lays out command lines as two columns: the synopsis before the
// first tab in monospace, the description after it wrapped beside it.
func commandRows(lines []string) []fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, line := range lines {
		synopsis, about, _ := strings.Cut(line, "\t")
		rows = append(rows,
			widget.NewLabelWithStyle(strings.TrimSpace(synopsis), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}),
			wrapped(strings.TrimSpace(about)))
	}
	return rows
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}
