package helm

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A template that never finishes, or takes memory or stack without end,
// is a located error at the chart once it passes a bound; the child that
// ran it is gone, and a chart within the bounds renders as before.
func TestRenderBounds(t *testing.T) {
	saved := bounds
	t.Cleanup(func() { bounds = saved })
	bounds = renderBounds{Timeout: 3 * time.Second, Memory: 256 << 20, Stack: 1 << 20, Output: 1 << 20}
	chartYAML := "apiVersion: v2\nname: hostile\nversion: 0.1.0\n"
	for _, tc := range []struct {
		name   string
		values string
		tmpl   string
		want   string // in the error; "" for a chart that renders
	}{
		{"within the bounds", "", "{{ range until 3 }}---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa-{{ . }}}\n{{ end }}", ""},
		{"memory", "", "{{ $s := list }}{{ range until 100000000 }}{{ $s = append $s (printf \"%0100d\" .) }}{{ end }}", "rendering took more than 256 MiB of memory"},
		{"output", "", "{{ range until 200000 }}# {{ printf \"%0100d\" . }}\n{{ end }}", "rendering produced more than 1 MiB of manifests"},
		{"stack: tpl of itself", `x: "{{ tpl .Values.x . }}"`, "{{ tpl .Values.x . }}", "rendering went deeper than 1 MiB of stack"},
		{"time: recursion that ends, late", "", `{{ define "a" }}{{ if lt (len .) 60 }}{{ include "a" (append . 1) }}{{ include "a" (append . 1) }}{{ end }}{{ end }}{{ include "a" list }}`, "rendering did not finish in 3s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeChart(t, map[string]string{"Chart.yaml": chartYAML, "values.yaml": tc.values, "templates/a.yaml": tc.tmpl})
			files := Render(dir, Options{})
			if tc.want == "" {
				if len(files) != 1 || len(files[0].Objects) != 3 || len(files[0].Errors) > 0 {
					t.Fatalf("files %v: want three objects and no error", files)
				}
				return
			}
			if len(files) != 1 || len(files[0].Errors) != 1 {
				t.Fatalf("files %v: want one file with one error", files)
			}
			e := files[0].Errors[0]
			if e.Pos.File != filepath.Join(dir, "Chart.yaml") || !strings.Contains(e.Message, "Helm chart not rendered: "+tc.want) {
				t.Errorf("error %v: %s, want at Chart.yaml: %q", e.Pos, e.Message, tc.want)
			}
		})
	}
}

// A child whose parent is gone (interrupted: nobody kills it at the
// deadline) ends on its own once past its time bound.
func TestRenderChildEndsOnItsOwn(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := writeChart(t, map[string]string{
		"Chart.yaml":       "apiVersion: v2\nname: loop\nversion: 0.1.0\n",
		"templates/a.yaml": `{{ define "a" }}{{ if lt (len .) 60 }}{{ include "a" (append . 1) }}{{ include "a" (append . 1) }}{{ end }}{{ end }}{{ include "a" list }}`,
	})
	req, _ := json.Marshal(renderRequest{Dir: dir, Options: Options{}.withDefaults(), Timeout: time.Second, Memory: 256 << 20, Stack: 1 << 20})
	cmd := exec.Command(exe, renderChildArg)
	cmd.Stdin = bytes.NewReader(req)
	start := time.Now()
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitTime {
		t.Fatalf("child: %v, want exit status %d", err, exitTime)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("child ended after %s, want about 2 s", took)
	}
}
