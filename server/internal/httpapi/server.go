// Package httpapi is the HTTP API (/api/v1) over Gin: the only package that imports gin.
package httpapi

import (
	"database/sql"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/canteen"
	"github.com/linli/linli/server/internal/community"
	"github.com/linli/linli/server/internal/course"
	"github.com/linli/linli/server/internal/events"
	"github.com/linli/linli/server/internal/idempotency"
	"github.com/linli/linli/server/internal/notify"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/ratelimit"
	"github.com/linli/linli/server/internal/report"
	"github.com/linli/linli/server/internal/safety"
	"github.com/linli/linli/server/internal/upload"
)

// MaxBody is the largest JSON request body.
const MaxBody = 64 << 10

// Deps is what the API needs; run builds it.
type Deps struct {
	Log         *slog.Logger
	DB          *sql.DB
	Redis       redis.UniversalClient
	Accounts    *account.Service
	Communities *community.Service
	Persons     *person.Service
	Canteens    *canteen.Service
	Events      *events.Bus
	Reports     *report.Service
	Uploads     *upload.Store
	Courses     *course.Service
	Safety      *safety.Service
	Notify      *notify.Service
	Idempotency *idempotency.Store
	LoginLimit  *ratelimit.Limiter
	// UploadLimit and UploadDayLimit count each user's uploads, per minute and per day.
	UploadLimit    *ratelimit.Limiter
	UploadDayLimit *ratelimit.Limiter
	// Templates maps a subscribe template key to its WeChat template id.
	Templates      map[string]string
	TrustedProxies []string
	// Fake is the fake WeChat, whose kept messages and consents are served under /_fake/wechat/;
	// nil in real mode.
	Fake FakeWeChat
	// LongTerm are the template keys configured long-term.
	LongTerm []string
	// ConsoleFiles is the console's build, served at /console/ (nil: not built).
	ConsoleFiles fs.FS
	// PublicOrigin is where signed image URLs point (LINLI_PUBLIC_URL), allowed in the console's
	// images.
	PublicOrigin string
	Now          func() time.Time
}

// Server holds the handlers' dependencies.
type Server struct {
	Deps
	log      *slog.Logger
	accounts *account.Service
	idem     *idempotency.Store
	metrics  *metrics
	// consoleCSP is the console's Content-Security-Policy.
	consoleCSP string
	// queries are the query parameters each API route takes, by "METHOD /route" (queries.go).
	queries map[string]map[string]bool
}

type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(d Deps) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "linli_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "linli_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if d.Canteens != nil {
		reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "linli_meal_batches_total", Help: "Batches of meal bookings written in one transaction each.",
			}, func() float64 { n, _ := d.Canteens.Batches(); return float64(n) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "linli_meal_batched_bookings_total", Help: "Meal bookings written in batches.",
			}, func() float64 { _, n := d.Canteens.Batches(); return float64(n) }),
		)
	}
	return m
}

// New builds the HTTP handler.
func New(d Deps) (http.Handler, error) {
	s := &Server{Deps: d, log: d.Log, accounts: d.Accounts, idem: d.Idempotency, metrics: newMetrics(d), consoleCSP: consoleCSP(d.PublicOrigin)}
	if s.ConsoleFiles == nil {
		s.ConsoleFiles = emptyFS{}
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	if err := e.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	// The client is the right-most address of X-Forwarded-For that is not a trusted proxy (what
	// gin reads, proxies append to it); X-Real-IP, which a client can send as it likes past a
	// proxy that does not set it, is not believed.
	e.RemoteIPHeaders = []string{"X-Forwarded-For"}
	e.Use(s.begin, s.observe, s.recoverPanic, s.onlyDocumentedQuery)
	e.NoRoute(func(c *gin.Context) { fail(c, errNotFound) })
	e.NoMethod(func(c *gin.Context) { fail(c, errMethodNotAllowed) })
	s.routes(e)
	doc, err := specQueries()
	if err == nil {
		err = s.loadQueries(e, doc)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{Registry: s.metrics.registry})
}

// FakeWeChat is what the API serves of the fake WeChat (wechat.Fake).
type FakeWeChat interface {
	ServeMessages(w http.ResponseWriter, r *http.Request)
	Subscribe(openid, templateID string, accept bool) (remaining int, longTerm bool)
}

// emptyFS is a console with no build.
type emptyFS struct{}

func (emptyFS) Open(string) (fs.File, error) { return nil, fs.ErrNotExist }
