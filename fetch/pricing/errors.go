package pricing

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/aws/smithy-go"

	"lazytrail/model"
)

// What a failed question means: whether asking again would fail the same
// way, and the miss's reason the user reads.

// isFatal reports whether an error would meet every later call too.
func isFatal(err error) bool {
	if err == nil {
		return false
	}
	var unpriced errUnpriced
	if errors.As(err, &unpriced) {
		return false
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "AccessDeniedException", "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredTokenException", "ExpiredToken":
			return true
		}
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || isNoCredentials(err)
}

func isNoCredentials(err error) bool {
	return strings.Contains(err.Error(), "failed to retrieve credentials") || strings.Contains(err.Error(), "no EC2 IMDS role found")
}

// reason is a miss's text, what the user can act on first; the ledger
// prefixes it ("pricing not available: ", "no price for X in R: ").
func reason(err error) string {
	var unpriced errUnpriced
	if errors.As(err, &unpriced) {
		return string(unpriced)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "AccessDeniedException" {
		return "no pricing:GetProducts permission"
	}
	if isNoCredentials(err) {
		return "no AWS credentials"
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return "offline and not cached"
	}
	return model.Printable(oneLine(err.Error()))
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
