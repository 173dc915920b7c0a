package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"

	"lazytrail/model"
)

// Explain turns an error from this package (or the SDK beneath it) into one
// line for a person: what went wrong and what to do about it. It never
// includes credentials: the SDK's errors carry none, and only codes,
// operation names and service messages are quoted.
//
// The profile named in hints is $AWS_PROFILE; use ExplainFor when the
// profile came from a flag.
func Explain(err error) string { return ExplainFor(err, os.Getenv("AWS_PROFILE")) }

// ExplainFor is Explain with the profile the credentials came from ("" for
// the default), so a hint can be the exact command to run.
func ExplainFor(err error, profile string) string {
	if err == nil {
		return ""
	}
	cause, hint := explain(err, profile)
	line := cause
	if hint != "" {
		line += " — " + hint
	}
	return model.Printable(line)
}

func explain(err error, profile string) (cause, hint string) {
	var (
		profileErr config.SharedConfigProfileNotExistError
		ssoErr     *ssocreds.InvalidTokenError
		apiErr     smithy.APIError
		attempts   *retry.MaxAttemptsError
		dnsErr     *net.DNSError
		netErr     net.Error
	)
	op := operation(err)
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled", ""
	case errors.As(err, &profileErr):
		return fmt.Sprintf("AWS profile %q not found", profileErr.Profile), "check ~/.aws/config, pass another --profile, or try --demo"
	case errors.As(err, &ssoErr) || strings.Contains(err.Error(), "refresh cached SSO token failed"):
		return "the AWS SSO session has expired", "run `aws sso login" + profileFlag(profile) + "`"
	case errors.As(err, &apiErr):
		return explainAPI(apiErr, op, errors.As(err, &attempts))
	case isNoCredentials(err):
		return "no AWS credentials found", "run `aws configure` or `aws sso login`, or pass --profile, or try --demo"
	case isTLS(err):
		return explainTLS(err, op)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("cannot resolve %s", dnsErr.Name), "the endpoint is unreachable: check the network, and --endpoint-url or AWS_ENDPOINT_URL if set"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused" + onOp(op), "the endpoint is unreachable: check the network, and --endpoint-url or AWS_ENDPOINT_URL if set"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		return "request timed out" + onOp(op), "the endpoint did not answer in time; check the network or raise the request timeout"
	}
	return lastLine(err), ""
}

// lookupAttributeKeys are the keys LookupEvents takes, as the SDK lists
// them (lookup.ParseAttribute checks --lookup against the SDK's list; a
// test there checks this one against it).
const lookupAttributeKeys = "EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId"

// caHint is what to do when a certificate's authority is not trusted.
const caHint = "behind a TLS-inspecting proxy set AWS_CA_BUNDLE (or ca_bundle in the profile) to its CA"

func isTLS(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
	)
	return errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &record) || plainAnswer(err)
}

// plainAnswer is net/http's error for an https:// URL answered in plain
// HTTP (it turns the tls.RecordHeaderError into an unexported error).
func plainAnswer(err error) bool {
	return strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// explainTLS names a failed TLS handshake in a line, instead of the SDK's
// "https response error … tls: failed to verify certificate: x509: …".
func explainTLS(err error, op string) (cause, hint string) {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
	)
	prefix := "TLS" + onOp(op) + ": "
	switch {
	case errors.As(err, &unknown):
		return prefix + "the endpoint's certificate is signed by an unknown authority", caHint
	case errors.As(err, &hostname):
		return prefix + fmt.Sprintf("the endpoint's certificate is not valid for %s", hostname.Host),
			"check the host in --endpoint-url (or AWS_ENDPOINT_URL); a TLS-inspecting proxy must issue certificates for the names it fronts"
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return prefix + "the endpoint's certificate has expired or is not valid yet",
			"check this machine's clock; if it is right, the endpoint (or a proxy in front of it) must renew its certificate"
	case errors.As(err, &invalid):
		return prefix + "the endpoint's certificate was refused: " + strings.TrimPrefix(invalid.Error(), "x509: "), caHint
	case errors.As(err, &record) || plainAnswer(err):
		return prefix + "the endpoint did not answer in TLS", "a plain-HTTP endpoint (such as lazytrail demo-server) takes an http:// --endpoint-url"
	}
	return prefix + "the endpoint's certificate could not be verified", caHint
}

func explainAPI(apiErr smithy.APIError, op string, exhausted bool) (cause, hint string) {
	code := apiErr.ErrorCode()
	switch code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
		return "access denied" + onOp(op), "the credentials need " + permission(op) + " (see the README's IAM policy)"
	case "UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure":
		if strings.HasPrefix(op, "CloudTrail") {
			// The same keys work in other regions, so the likely cause is
			// an opt-in region that is not enabled.
			return "credentials not recognized" + onOp(op), "the region may be disabled (opt-in) for this account, or the access keys are wrong"
		}
		return "credentials not recognized" + onOp(op), "the access keys are wrong or were deleted: check the profile or environment, or run `aws configure`"
	case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
		return "the AWS session token has expired", "refresh the credentials (`aws sso login` or a new session) and retry"
	case "InvalidNextTokenException":
		return "the page token expired mid-query", "retry the query"
	case "InvalidTimeRangeException":
		return "the time range is not valid", "the start must be before the end and within the last 90 days"
	case "InvalidLookupAttributesException":
		return "the lookup attribute was refused: " + apiErr.ErrorMessage(), "use --lookup KEY=VALUE with one of " + lookupAttributeKeys
	}
	if _, throttled := throttleCodes[code]; throttled {
		if exhausted {
			return "throttled" + onOp(op) + " until the retries ran out", throttleHint(op)
		}
		return "throttled" + onOp(op), "lower the request rate or retry later"
	}
	msg := apiErr.ErrorMessage()
	if msg == "" {
		return code + onOp(op), ""
	}
	return code + onOp(op) + ": " + msg, ""
}

// throttleHint is what to do when a service's quota refused every
// retry: each service has its own quota, and only LookupEvents' is the
// one --rate paces.
func throttleHint(op string) string {
	service, _, _ := strings.Cut(op, ": ")
	switch service {
	case "CloudTrail":
		return "lower --rate or retry later (LookupEvents allows 2 requests/s per region)"
	case "Athena":
		return "retry later: Athena's API quota is per account and region, shared with everything else calling it (AWS can raise it)"
	}
	return "lower the request rate or retry later"
}

// throttleCodes are the codes the SDK's retryer treats as throttling.
var throttleCodes = func() map[string]struct{} {
	m := map[string]struct{}{}
	for code := range retry.DefaultThrottleErrorCodes {
		m[code] = struct{}{}
	}
	return m
}()

func isNoCredentials(err error) bool {
	s := err.Error()
	return strings.Contains(s, "get credentials") || strings.Contains(s, "failed to refresh cached credentials") ||
		strings.Contains(s, "no EC2 IMDS role found") || strings.Contains(s, "failed to retrieve credentials")
}

// operation names the AWS call an error came from, e.g. "CloudTrail: LookupEvents".
func operation(err error) string {
	var opErr *smithy.OperationError
	if errors.As(err, &opErr) {
		return opErr.Service() + ": " + opErr.Operation()
	}
	return ""
}

func onOp(op string) string {
	if op == "" {
		return ""
	}
	return " on " + op
}

// permission is the IAM action an operation needs.
func permission(op string) string {
	service, action, ok := strings.Cut(op, ": ")
	if !ok {
		return "cloudtrail:LookupEvents"
	}
	return strings.ToLower(service) + ":" + action
}

func profileFlag(profile string) string {
	if profile == "" {
		return ""
	}
	return " --profile " + profile
}

// lastLine keeps the most specific, last line of a possibly multi-line error.
func lastLine(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[i+1:])
	}
	return s
}
