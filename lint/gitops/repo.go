package gitops

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// thisRepo reports whether url names the repository of the input; any
// does when that is not known.
func (d *discoverer) thisRepo(url string) bool {
	return url == "" || len(d.repos) == 0 || slices.Contains(d.repos, normalizeRepo(url))
}

// originURLs are the remote URLs of the git repository at root
// (normalizeRepo), read from its config without running git; none when
// root is no repository's top.
func originURLs(root string) []string {
	gitDir := filepath.Join(root, ".git")
	if data, err := os.ReadFile(gitDir); err == nil {
		// A worktree or submodule: ".git" is a file naming the git dir,
		// whose commondir (a worktree's) holds the config.
		dir, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir: ")
		if !ok {
			return nil
		}
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		gitDir = dir
		if common, err := os.ReadFile(filepath.Join(dir, "commondir")); err == nil {
			c := strings.TrimSpace(string(common))
			if !filepath.IsAbs(c) {
				c = filepath.Join(dir, c)
			}
			gitDir = c
		}
	}
	data, err := os.ReadFile(filepath.Join(gitDir, "config"))
	if err != nil {
		return nil
	}
	var urls []string
	inRemote := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			inRemote = strings.HasPrefix(line, "[remote ")
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if inRemote && ok && strings.TrimSpace(key) == "url" {
			urls = append(urls, normalizeRepo(strings.TrimSpace(value)))
		}
	}
	return urls
}

// normalizeRepo reduces the spellings of one repository's URL to one:
// "https://github.com/org/repo.git", "ssh://git@github.com/org/repo" and
// "git@github.com:org/repo" are all "github.com/org/repo".
func normalizeRepo(url string) string {
	u := strings.ToLower(strings.TrimSpace(url))
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	} else if at, colon := strings.Index(u, "@"), strings.Index(u, ":"); colon > at && at >= 0 {
		u = u[:colon] + "/" + u[colon+1:] // scp-like user@host:path
	}
	if i := strings.Index(u, "@"); i >= 0 && i < strings.Index(u+"/", "/") {
		u = u[i+1:]
	}
	u = strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git")
	return strings.TrimSuffix(u, "/")
}
