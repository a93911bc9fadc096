package rules

import "fmt"

// UnknownRule is the message for a rule id that names no rule, with the
// closest id when it looks like a typo of one.
func UnknownRule(id string) string {
	ids := make([]string, 0, len(All()))
	for _, r := range All() {
		ids = append(ids, r.ID)
	}
	if c := Closest(id, ids); c != "" {
		return fmt.Sprintf("unknown rule %q (did you mean %q? see 'salint rules')", id, c)
	}
	return fmt.Sprintf("unknown rule %q (see 'salint rules')", id)
}

// Closest returns the candidate nearest to name by edit distance, if it is
// near enough to be a likely typo.
func Closest(name string, candidates []string) string {
	best, bestDist := "", len(name)/3+1
	if bestDist > 3 {
		bestDist = 3
	}
	for _, c := range candidates {
		if c == name {
			continue
		}
		if abs(len(c)-len(name)) > bestDist {
			continue // the distance is at least the difference in length
		}
		if d := editDistance(name, c, bestDist); d <= bestDist && (best == "" || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the edit distance between a and b, a swap of two
// neighbouring characters counting as one edit ("lnit" is as close to
// "lint" as to "init"), or limit+1 as soon as it is known to exceed limit:
// a row whose smallest entry is over the limit can only grow (most
// candidates of a hint stop after a few rows).
func editDistance(a, b string, limit int) int {
	var buf [3 * 64]int
	var prev2, prev, cur []int
	if len(b)+1 <= 64 {
		prev2, prev, cur = buf[:len(b)+1], buf[64:64+len(b)+1], buf[128:128+len(b)+1]
	} else {
		prev2, prev, cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
