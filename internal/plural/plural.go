// Package plural says how many of a thing there are, in English.
package plural

import "strconv"

// Count is "1 file", "0 files", "2 files": noun is singular and takes
// an s for any other number (every noun salint counts does).
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
