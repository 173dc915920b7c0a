package lookup

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"golang.org/x/time/rate"
)

// pacedRetryer is the SDK's standard retryer with two additions that the
// SDK exposes no other clean hook for:
//
//   - every HTTP attempt, the first and every retry, first takes a token
//     from the region's rate limiter. The quota (2 requests/s per region)
//     counts attempts, not operations, so retries must not bypass pacing or
//     a throttle would breed more throttles. The SDK asks for an attempt
//     token right before each send (GetAttemptToken), which is the place.
//   - it reports each attempt's outcome and each retry to the stream, for
//     the per-region throttle and retry counts.
//
// The standard retryer's client-side retry budget is disabled
// (ratelimit.None): a scan of 90 days against a throttling endpoint would
// drain it and then fail calls that pacing and backoff would have saved.
type pacedRetryer struct {
	*retry.Standard
	limiter   *rate.Limiter
	onAttempt func(err error, throttled bool) // after every attempt, err nil on success
	onRetry   func(err error, throttled bool) // before the backoff of every retry
}

var throttles = retry.IsErrorThrottles(retry.DefaultThrottles)

func isThrottle(err error) bool { return throttles.IsErrorThrottle(err) == aws.TrueTernary }

func newPacedRetryer(limiter *rate.Limiter, maxAttempts int, maxBackoff time.Duration) *pacedRetryer {
	return &pacedRetryer{
		Standard: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.MaxBackoff = maxBackoff
			o.RateLimiter = ratelimit.None
		}),
		limiter:   limiter,
		onAttempt: func(error, bool) {},
		onRetry:   func(error, bool) {},
	}
}

// GetAttemptToken paces the attempt, then defers to the standard retryer.
func (p *pacedRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	if err := p.limiter.Wait(ctx); err != nil {
		return nil, err
	}
	release, err := p.Standard.GetAttemptToken(ctx)
	if err != nil {
		return nil, err
	}
	return func(attemptErr error) error {
		p.onAttempt(attemptErr, attemptErr != nil && isThrottle(attemptErr))
		return release(attemptErr)
	}, nil
}

// RetryDelay is asked exactly once per retry the SDK is about to make.
func (p *pacedRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	p.onRetry(err, isThrottle(err))
	return p.Standard.RetryDelay(attempt, err)
}

var _ aws.RetryerV2 = (*pacedRetryer)(nil)
