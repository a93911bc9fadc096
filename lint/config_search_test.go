package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The config search stays inside the repository (issue 18): a
// .salint.yaml planted in a parent directory (anyone can write /tmp)
// silenced everything.
func TestFindConfig_StopsAtTheRepositoryRoot(t *testing.T) {
	outside := t.TempDir()
	repo := filepath.Join(outside, "repo")
	writeFilesIn(t, outside, map[string]string{
		ConfigFileName:            "rules: {}\n",
		"repo/.git/HEAD":          "ref: refs/heads/main\n",
		"repo/apps/web.yaml":      "",
		"plain/apps/web.yaml":     "",
		"inner/" + ConfigFileName: "rules: {}\n",
		"inner/apps/web.yaml":     "",
	})
	for _, c := range []struct{ dir, want string }{
		{filepath.Join(repo, "apps"), ""},             // the parent's config is outside the repository
		{repo, ""},                                    //
		{filepath.Join(outside, "plain", "apps"), ""}, // no repository: only the directory itself
		{filepath.Join(outside, "inner"), filepath.Join(outside, "inner", ConfigFileName)},
	} {
		got, err := FindConfig(c.dir)
		if err != nil || got != c.want {
			t.Errorf("FindConfig(%s) = %q, %v; want %q", c.dir, got, err, c.want)
		}
	}
	writeFilesIn(t, outside, map[string]string{"repo/" + ConfigFileName: "rules: {}\n"})
	if got, err := FindConfig(filepath.Join(repo, "apps")); err != nil || got != filepath.Join(repo, ConfigFileName) {
		t.Errorf("FindConfig(repo/apps) = %q, %v; want the repository's config", got, err)
	}
}

func TestFindConfig_RefusesAConfigOwnedByAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, ConfigFileName)
	if err := os.WriteFile(file, []byte("rules: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(file, 65534, 65534); err != nil {
		t.Skipf("cannot chown: %v", err)
	}
	got, err := FindConfig(dir)
	if err == nil || !strings.Contains(err.Error(), "owned by") || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "--config") {
		t.Errorf("FindConfig = %q, %v; want an error naming the file, its owner and --config", got, err)
	}
}
