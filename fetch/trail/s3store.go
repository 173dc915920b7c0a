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

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// s3Store is a Store over one bucket (and prefix) through aws-sdk-go-v2's
// S3 client. It only lists (one level, with a delimiter) and gets: it
// never writes, and never lists a bucket without a delimiter.
type s3Store struct {
	bucket string
	prefix string // "" or ending in "/"

	cfg aws.Config

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
func newS3Store(cfg aws.Config, bucket, prefix string) Store {
	prefix = strings.TrimPrefix(prefix, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	s := &s3Store{bucket: bucket, prefix: prefix, cfg: cfg}
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
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{
		Bucket:    aws.String(s.bucket),
		Prefix:    aws.String(full),
		Delimiter: aws.String("/"),
	})
	var out []Entry
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.explain(ctx, err, "list", dir)
		}
		for _, cp := range page.CommonPrefixes {
			k := aws.ToString(cp.Prefix)
			if !strings.HasPrefix(k, full) || k == full {
				continue
			}
			out = append(out, Entry{Key: k[len(s.prefix):], Dir: true, Size: -1})
		}
		for _, o := range page.Contents {
			k := aws.ToString(o.Key)
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

func (s *s3Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	for attempt := 0; ; attempt++ {
		c, region := s.current()
		out, err := c.GetObject(ctx, &s3.GetObjectInput{
			Bucket: aws.String(s.bucket),
			Key:    aws.String(s.prefix + key),
		})
		if err != nil {
			if attempt == 0 && s.redirected(err, region) {
				continue
			}
			return nil, s.explain(ctx, err, "get", key)
		}
		return &s3Body{ctx: ctx, rc: out.Body, store: s, key: key}, nil
	}
}

// s3Body is a GetObject body whose read errors name the object. The
// request's context already ends a read in progress when it is cancelled,
// and Close ends it too.
type s3Body struct {
	ctx   context.Context
	rc    io.ReadCloser
	store *s3Store
	key   string
}

func (b *s3Body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		if cerr := b.ctx.Err(); cerr != nil {
			err = cerr
		}
		err = &fs.PathError{Op: "read", Path: s3OneLine(b.store.Name(b.key)),
			Err: &S3Error{Name: b.store.Name(b.key), Cause: s3OneLine(err.Error()), err: err}}
	}
	return n, err
}

func (b *s3Body) Close() error { return b.rc.Close() }

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
