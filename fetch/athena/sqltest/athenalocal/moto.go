package athenalocal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"time"
)

// StartMoto runs moto_server (a third-party AWS mock, `pip install
// 'moto[server]'`) on a free loopback port and returns its URL once it
// answers, and how to stop it.
func StartMoto(ctx context.Context) (url string, stop func(), err error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return "", nil, errors.New("moto_server is not on PATH: install it with pip install 'moto[server]', or give --moto URL")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("starting moto_server: %w", err)
	}
	stop = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	url = fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitFor(ctx, url, 30*time.Second); err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

// CheckMoto says whether a moto_server answers at url.
func CheckMoto(ctx context.Context, url string) error {
	if err := waitFor(ctx, url, 3*time.Second); err != nil {
		return fmt.Errorf("no moto_server answers at %s: start one with moto_server -p PORT, or leave out --moto to start one", url)
	}
	return nil
}

// waitFor polls moto's own API until it answers, for at most limit.
func waitFor(ctx context.Context, url string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/moto-api/", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("moto_server at %s did not answer within %v", url, limit)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
