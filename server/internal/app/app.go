// Package app wires the domain services and the HTTP API together; the command and the HTTP
// tests build the same thing through it.
package app

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/canteen"
	"github.com/linli/linli/server/internal/community"
	"github.com/linli/linli/server/internal/course"
	"github.com/linli/linli/server/internal/events"
	"github.com/linli/linli/server/internal/httpapi"
	"github.com/linli/linli/server/internal/idempotency"
	"github.com/linli/linli/server/internal/notify"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/pii"
	"github.com/linli/linli/server/internal/ratelimit"
	"github.com/linli/linli/server/internal/report"
	"github.com/linli/linli/server/internal/safety"
	"github.com/linli/linli/server/internal/upload"
	"github.com/linli/linli/server/internal/wechat"
)

// Options are the parts run (or a test) supplies.
type Options struct {
	DB    *sql.DB
	Redis redis.UniversalClient
	// KeyPrefix starts every Redis key ("linli:" in production, one per test in tests).
	KeyPrefix string
	Log       *slog.Logger
	Now       func() time.Time
	DataKey   []byte
	// DataKeyVersion (default 1) and PreviousDataKey carry a key rotation (docs/operations.md).
	DataKeyVersion  int
	PreviousDataKey []byte
	// WeChat is the client over the library; its HTTP client is set by the caller.
	WeChat         *wechat.Client
	Templates      map[string]string
	LongTerm       []string
	TrustedProxies []string
	// Fake, when set, is served at /_fake/wechat/messages.
	Fake *wechat.Fake
	// LoginsPerMinute limits logins per client address (default 30).
	LoginsPerMinute int64
	// UploadDir keeps uploaded images; PublicURL is the origin their signed URLs are built on.
	UploadDir string
	PublicURL string
	// UploadLimits bound decoding uploads (upload.Limits' defaults when zero); UploadsPerMinute
	// and UploadsPerDay limit each user's uploads (defaults 20 and 200).
	UploadLimits     upload.Limits
	UploadsPerMinute int64
	UploadsPerDay    int64
	// Console is the console's build, served at /console/ (nil: none).
	Console fs.FS
}

// App is the wired application.
type App struct {
	Handler     http.Handler
	Accounts    *account.Service
	Communities *community.Service
	Persons     *person.Service
	Canteens    *canteen.Service
	Notify      *notify.Service
	// Pushes sends queued subscribe messages; serve runs it.
	Pushes  *notify.Sender
	Reports *report.Service
	Uploads *upload.Store
	Courses *course.Service
	// Safety runs the safety alerts; serve escalates the ones nobody confirmed.
	Safety *safety.Service
	// Events relays the outbox to Redis streams and runs the handlers; serve runs it.
	Events *events.Bus
}

// New wires the services and the API.
func New(o Options) (*App, error) {
	box, err := pii.NewRotatingBox(o.DataKey, max(o.DataKeyVersion, 1), o.PreviousDataKey)
	if err != nil {
		return nil, err
	}
	if o.LoginsPerMinute == 0 {
		o.LoginsPerMinute = 30
	}
	if o.UploadsPerMinute == 0 {
		o.UploadsPerMinute = 20
	}
	if o.UploadsPerDay == 0 {
		o.UploadsPerDay = 200
	}
	accounts := account.NewService(o.DB, o.Redis, o.KeyPrefix, o.WeChat, box, o.Now)
	a := &App{
		Accounts:    accounts,
		Communities: community.NewService(o.DB, o.Now),
		Persons:     person.NewService(o.DB, o.Redis, o.KeyPrefix, box, accounts, accounts, o.Now),
		Notify:      notify.NewService(o.DB, o.Now),
	}
	a.Reports = report.NewService(o.DB, accounts, o.Now)
	a.Safety = safety.NewService(o.DB, a.Persons, a.Reports, o.Now)
	a.Canteens = canteen.NewService(o.DB, o.Redis, o.KeyPrefix, a.Persons, a.Safety, o.Now)
	a.Events = events.NewBus(o.DB, o.Redis, o.KeyPrefix, o.Log, o.Now)
	a.Courses = course.NewService(o.DB, a.Persons, o.Now)
	a.Uploads = upload.NewStore(o.DB, o.UploadDir, o.PublicURL, pii.DeriveKey(o.DataKey, "linli/files/sign/v1"), o.UploadLimits, o.Now)
	a.Reports.SetDeps(report.Deps{
		Access: func(ctx context.Context, userID, personID int64) (int64, error) {
			p, _, err := a.Persons.ActFor(ctx, userID, personID)
			return p.CommunityID, err
		},
		OwnPerson: func(ctx context.Context, userID int64) (int64, error) {
			p, err := a.Persons.Own(ctx, userID)
			if errors.Is(err, person.ErrNotFound) {
				return 0, nil
			}
			return p.ID, err
		},
		Text:    o.WeChat,
		Roles:   accounts,
		Managed: a.Persons.ManagedIDs,
	})
	a.Events.Handle(report.TopicSubmitted, a.Reports.Dispatch)
	a.Events.Handle(account.TopicRoleRevoked, a.Reports.ReleaseWorker)
	a.Pushes = &notify.Sender{DB: o.DB, WX: o.WeChat, Templates: o.Templates, LongTerm: o.LongTerm, Log: o.Log, Now: o.Now}
	d := httpapi.Deps{
		Log: o.Log, DB: o.DB, Redis: o.Redis,
		Accounts: a.Accounts, Communities: a.Communities, Persons: a.Persons, Canteens: a.Canteens, Notify: a.Notify,
		Events:         a.Events,
		Reports:        a.Reports,
		Uploads:        a.Uploads,
		Courses:        a.Courses,
		Safety:         a.Safety,
		Idempotency:    idempotency.NewStore(o.Redis, o.KeyPrefix),
		LoginLimit:     ratelimit.New(o.Redis, o.KeyPrefix, o.LoginsPerMinute, time.Minute, o.Now),
		UploadLimit:    ratelimit.New(o.Redis, o.KeyPrefix, o.UploadsPerMinute, time.Minute, o.Now),
		UploadDayLimit: ratelimit.New(o.Redis, o.KeyPrefix, o.UploadsPerDay, 24*time.Hour, o.Now),
		Templates:      o.Templates,
		LongTerm:       o.LongTerm,
		TrustedProxies: o.TrustedProxies,
		ConsoleFiles:   o.Console,
		PublicOrigin:   origin(o.PublicURL),
		Now:            o.Now,
	}
	if o.Fake != nil {
		d.Fake = o.Fake
	}
	if a.Handler, err = httpapi.New(d); err != nil {
		return nil, err
	}
	return a, nil
}

// origin is the scheme and host of a URL ("" when it has none).
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
