package trail

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"lazytrail/fetch"
)

// s3Store is a Store over one bucket (and prefix) through aws-sdk-go-v2's
// S3 client. It only lists (one level, with a delimiter) and gets: it
// never writes, and never lists a bucket without a delimiter.
type s3Store struct {
	bucket string
	prefix string // "" or ending in "/"

	cfg   aws.Config
	stall time.Duration // the deadline on each request's progress

	mu     sync.Mutex
	client *s3.Client
	region string // the region client signs for
}

// newS3Store returns the Store for s3://bucket/prefix. The client is built
// from cfg as it is: its credentials, its HTTP client (CA bundle, proxy),
// its retryer, and its endpoint override (AWS_ENDPOINT_URL_S3,
// AWS_ENDPOINT_URL, a profile's endpoint_url), which the SDK resolves
// itself. Path-style addressing is used only when an endpoint is
// overridden: moto, MinIO and most S3-compatible stores need it, AWS
// prefers virtual hosts. A bucket in another region than cfg's is followed
// once, by the region S3 names in its redirect.
//
// Every request has a deadline on progress (stall, DefaultS3Stall when 0)
// and is tried up to s3MaxAttempts times, throttling included.
func newS3Store(cfg aws.Config, bucket, prefix string) Store {
	return newS3StoreStall(cfg, bucket, prefix, 0)
}

func newS3StoreStall(cfg aws.Config, bucket, prefix string, stall time.Duration) *s3Store {
	prefix = strings.TrimPrefix(prefix, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if stall <= 0 {
		stall = DefaultS3Stall
	}
	s := &s3Store{bucket: bucket, prefix: prefix, cfg: cfg, stall: stall}
	s.client, s.region = s.newClient(cfg.Region)
	return s
}

func (s *s3Store) newClient(region string) (*s3.Client, string) {
	c := s3.NewFromConfig(s.cfg, func(o *s3.Options) {
		if region != "" {
			o.Region = region
		}
		if o.Region == "" {
			// S3 answers a bucket's region in its redirect; any
			// region will do to ask.
			o.Region = "us-east-1"
		}
		if o.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
		hc := o.HTTPClient
		if hc == nil {
			hc = awshttp.NewBuildableClient()
		}
		o.HTTPClient = &progressClient{inner: fetch.KeepConnections(hc, S3Workers), stall: s.stall}
		o.Retryer = newS3Retryer()
		if o.RetryMaxAttempts != 0 {
			// AWS_MAX_ATTEMPTS may raise the attempts, not lower them
			// below what a throttling storm needs.
			o.RetryMaxAttempts = max(o.RetryMaxAttempts, s3MaxAttempts)
		}
	})
	return c, c.Options().Region
}

// current returns the client to use now.
func (s *s3Store) current() (*s3.Client, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client, s.region
}

// redirected switches to the bucket's own region when err is S3's answer
// that the bucket lives elsewhere, and reports whether to retry.
func (s *s3Store) redirected(err error, was string) bool {
	region := s3BucketRegion(err)
	if region == "" || region == was {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.region == was {
		s.client, s.region = s.newClient(region)
	}
	return true
}

// s3BucketRegion is the x-amz-bucket-region S3 sends with a wrong-region
// answer (301 PermanentRedirect, or 400 AuthorizationHeaderMalformed).
func s3BucketRegion(err error) string {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return ""
	}
	switch re.HTTPStatusCode() {
	case http.StatusMovedPermanently, http.StatusBadRequest, http.StatusTemporaryRedirect:
		return re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	return ""
}

func (s *s3Store) Name(key string) string {
	return "s3://" + s.bucket + "/" + s.prefix + key
}

func (s *s3Store) List(ctx context.Context, dir string) ([]Entry, error) {
	for attempt := 0; ; attempt++ {
		c, region := s.current()
		entries, err := s.list(ctx, c, dir)
		if err != nil && attempt == 0 && s.redirected(err, region) {
			continue
		}
		return entries, err
	}
}

func (s *s3Store) list(ctx context.Context, c *s3.Client, dir string) ([]Entry, error) {
	full := s.prefix + dir
	// Keys come URL-encoded (as the AWS CLI asks for them): a key with a
	// control character would make the listing's XML unparseable and hide
	// every key beside it.
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{
		Bucket:       aws.String(s.bucket),
		Prefix:       aws.String(full),
		Delimiter:    aws.String("/"),
		EncodingType: types.EncodingTypeUrl,
	})
	var out []Entry
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.explain(ctx, err, "list", dir)
		}
		encoded := page.EncodingType == types.EncodingTypeUrl
		for _, cp := range page.CommonPrefixes {
			k := s3Key(aws.ToString(cp.Prefix), encoded)
			if !strings.HasPrefix(k, full) || k == full {
				continue
			}
			out = append(out, Entry{Key: k[len(s.prefix):], Dir: true, Size: -1})
		}
		for _, o := range page.Contents {
			k := s3Key(aws.ToString(o.Key), encoded)
			// The 0-byte folder marker the console (and CloudTrail)
			// leave at a prefix is the listed folder itself.
			if k == full || !strings.HasPrefix(k, full) || strings.HasSuffix(k, "/") {
				continue
			}
			size := int64(-1)
			if o.Size != nil {
				size = *o.Size
			}
			out = append(out, Entry{Key: k[len(s.prefix):], Size: size})
		}
	}
	return out, nil
}

// s3Key is a listed key as stored: URL-decoded when the listing was
// encoded (S3 writes a space as "+", moto as "%20"; both decode). A key
// that does not decode is kept as S3 sent it, for its GET to fail and
// name it.
func s3Key(k string, encoded bool) string {
	if !encoded {
		return k
	}
	if d, err := url.QueryUnescape(k); err == nil {
		return d
	}
	return k
}

// Open GETs the object. Its body resumes by itself: a read that fails
// midway (a reset, a cut, a stall) is continued by a fresh GET, ranged
// from where it stopped (see s3Body).
func (s *s3Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := s.get(ctx, key, &s3.GetObjectInput{})
	if err != nil {
		return nil, err
	}
	size := int64(-1)
	if out.ContentLength != nil {
		size = *out.ContentLength
	}
	return &s3Body{ctx: ctx, rc: out.Body, store: s, key: key, etag: aws.ToString(out.ETag), size: size,
		closed: make(chan struct{})}, nil
}

// get is one GetObject of key (in fills in the rest), followed to the
// bucket's region once; the error is explained.
func (s *s3Store) get(ctx context.Context, key string, in *s3.GetObjectInput) (*s3.GetObjectOutput, error) {
	in.Bucket, in.Key = aws.String(s.bucket), aws.String(s.prefix+key)
	for attempt := 0; ; attempt++ {
		c, region := s.current()
		out, err := c.GetObject(ctx, in)
		if err != nil {
			if attempt == 0 && s.redirected(err, region) {
				continue
			}
			return nil, s.explain(ctx, err, "get", key)
		}
		return out, nil
	}
}

// S3Error is why an S3 request failed, told in one line with what to do
// about it: "access denied (needs s3:GetObject on arn:aws:s3:::b/k)". The
// store returns it inside an *fs.PathError naming the operation and the
// object ("get s3://b/k: access denied (...)"), as os does for a file. It
// wraps fs.ErrNotExist for an object or bucket that is not there,
// fs.ErrPermission for a denial, and the context's error for a
// cancellation, so callers test it with errors.Is as for a local file.
type S3Error struct {
	Name  string // s3://bucket/key
	Code  string // S3's error code, "" when the request got no answer
	Cause string // one line
	Hint  string // the permission or setting to check; may be ""
	err   error
}

func (e *S3Error) Error() string {
	msg := e.Cause
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return s3OneLine(msg)
}

func (e *S3Error) Unwrap() error { return e.err }

// explain turns an SDK error into an *fs.PathError holding an S3Error. op
// is "list" or "get"; what is the folder or key, relative to the store.
func (s *s3Store) explain(ctx context.Context, err error, op, what string) error {
	e := s.explainS3(ctx, err, op, what)
	return &fs.PathError{Op: op, Path: s3OneLine(e.Name), Err: e}
}

func (s *s3Store) explainS3(ctx context.Context, err error, op, what string) *S3Error {
	e := &S3Error{Name: s.Name(what), err: err}
	if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		e.Cause = "cancelled"
		if cerr := ctx.Err(); cerr != nil {
			e.err = cerr
		}
		return e
	}
	bucketARN := "arn:aws:s3:::" + s.bucket
	var api smithy.APIError
	if s3NoCredentials(err) {
		e.Name = "s3://" + s.bucket
		e.Cause = "no AWS credentials found"
		e.Hint = "run `aws configure` or `aws sso login`, or pass --profile"
		e.err = errors.Join(fs.ErrPermission, err)
		return e
	}
	if !errors.As(err, &api) {
		e.Cause, e.Hint = s3TransportCause(err)
		return e
	}
	e.Code = api.ErrorCode()
	msg := api.ErrorMessage()
	switch e.Code {
	case "NoSuchKey", "NotFound":
		e.Cause = "object no longer exists (deleted or moved after it was listed)"
		e.err = errors.Join(fs.ErrNotExist, err)
	case "NoSuchBucket":
		e.Name = "s3://" + s.bucket
		e.Cause = "no such bucket"
		e.Hint = "check the bucket name, and the region or endpoint it lives at"
		e.err = errors.Join(fs.ErrNotExist, err)
	case "AccessDenied", "AllAccessDisabled", "Forbidden":
		e.err = errors.Join(fs.ErrPermission, err)
		switch {
		case s3IsKMS(msg):
			e.Cause = "access denied by KMS: the object is encrypted with SSE-KMS"
			e.Hint = "needs kms:Decrypt on the trail's KMS key"
		case op == "list":
			e.Name = "s3://" + s.bucket + "/" + s.prefix + what
			e.Cause = "access denied"
			e.Hint = "needs s3:ListBucket on " + bucketARN
		default:
			e.Cause = "access denied"
			// The policy's resource, not the key again.
			e.Hint = "needs s3:GetObject on " + bucketARN + "/" + s.prefix + "*"
		}
	case "KMS.AccessDeniedException", "KMSAccessDenied", "KMS.DisabledException", "KMS.NotFoundException":
		e.err = errors.Join(fs.ErrPermission, err)
		e.Cause = "access denied by KMS: the object is encrypted with SSE-KMS"
		e.Hint = "needs kms:Decrypt on the trail's KMS key"
	case "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "TokenRefreshRequired", "InvalidToken":
		e.err = errors.Join(fs.ErrPermission, err)
		e.Cause = "credentials refused (" + e.Code + ")"
		e.Hint = "check the profile or AWS_* variables, or log in again"
	case "PreconditionFailed":
		e.Cause = "the object changed while it was read (its ETag is not the one it had)"
		e.Hint = "read it again"
	case "PermanentRedirect", "AuthorizationHeaderMalformed":
		e.Name = "s3://" + s.bucket
		e.Cause = "the bucket is in another region"
		e.Hint = "set --region to the bucket's region"
	default:
		e.Cause = e.Code
		if msg != "" {
			e.Cause += ": " + msg
		}
		e.Cause = s3OneLine(e.Cause)
	}
	return e
}

// s3NoCredentials reports whether the request was not sent because the
// credential chain found nothing (the SDK's error then walks the whole
// chain: environment, files, SSO, IMDS), as fetch.Explain tells it for
// LookupEvents.
func s3NoCredentials(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) {
		return false // S3 answered: the request was signed
	}
	m := err.Error()
	return strings.Contains(m, "get identity: get credentials") || strings.Contains(m, "failed to refresh cached credentials") ||
		strings.Contains(m, "no EC2 IMDS role found") || strings.Contains(m, "failed to retrieve credentials")
}

// s3IsKMS tells an SSE-KMS denial from a plain one: S3 answers AccessDenied
// for both, and names KMS in the message of the first.
func s3IsKMS(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "kms") || strings.Contains(m, "key management service")
}

// s3TransportCause is what went wrong with a request that got no S3
// answer (a refused connection, a TLS failure, a timeout), without the
// SDK's "operation error S3: GetObject, exceeded maximum attempts, ..."
// wrapping, and a hint where one helps.
func s3TransportCause(err error) (cause, hint string) {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		err = ue.Err
	} else {
		var oe *smithy.OperationError
		if errors.As(err, &oe) && oe.Err != nil {
			err = oe.Err
		}
	}
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var hn x509.HostnameError
	switch {
	case errors.As(err, &ua):
		return "TLS: certificate signed by an unknown authority", "set AWS_CA_BUNDLE (or the profile's ca_bundle) to the CA that signs it"
	case errors.As(err, &ci), errors.As(err, &hn):
		return "TLS: " + err.Error(), "check the endpoint URL and AWS_CA_BUNDLE"
	}
	return err.Error(), ""
}

// s3OneLine keeps an error on one line and free of control characters: S3's
// messages and keys reach the terminal.
func s3OneLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}
