package gateway

import (
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// CanonicalUsername is the one form of a username that the gateway keys
// state by: Unicode NFKC, then case folded (and NFKC again, as folding may
// undo it), with surrounding space trimmed. Directories match logins
// through such folds, so ａｌｉｃｅ (fullwidth), 𝐚𝐥𝐢𝐜𝐞 (mathematical bold)
// and ALICE are one user to them, and must be one to the throttle, the
// perspective table and every upstream.
func CanonicalUsername(s string) string {
	s = strings.TrimSpace(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii { // the common case, without the tables
		return strings.ToLower(s)
	}
	return norm.NFKC.String(cases.Fold().String(norm.NFKC.String(s)))
}
