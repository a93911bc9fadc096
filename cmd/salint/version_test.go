package main

import (
	"runtime/debug"
	"testing"
)

func TestVersionString(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stamped string // -ldflags -X main.version
		info    *debug.BuildInfo
		want    string
	}{
		{"stamped by the release build wins", "v1.2.0", &debug.BuildInfo{Main: debug.Module{Version: "v1.1.0"}}, "v1.2.0"},
		{"go install pkg@version reports the module version", "dev", &debug.BuildInfo{Main: debug.Module{Version: "v1.1.0"}}, "v1.1.0"},
		{"a build from a checkout reports the commit", "dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.modified", Value: "false"},
		}}, "dev (0123456789ab)"},
		{"uncommitted changes are said", "dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.modified", Value: "true"},
		}}, "dev (0123456789ab, modified)"},
		{"no build information", "dev", nil, "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionString(tc.stamped, tc.info); got != tc.want {
				t.Errorf("versionString = %q, want %q", got, tc.want)
			}
		})
	}
}
