package httpapi

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/community"
	"github.com/linli/linli/server/internal/notify"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/pii"
	"github.com/linli/linli/server/internal/validation"
	"github.com/linli/linli/server/internal/wechat"
)

type roleJSON struct {
	CommunityID int64  `json:"community_id"`
	Role        string `json:"role"`
}

type meJSON struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	Phone       *string    `json:"phone"`
	CommunityID *int64     `json:"community_id"`
	Roles       []roleJSON `json:"roles"`
	PersonID    *int64     `json:"person_id"`
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func meOf(u account.User) meJSON {
	out := meJSON{ID: u.ID, Name: u.Name, CommunityID: optID(u.CommunityID), PersonID: optID(u.PersonID), Roles: []roleJSON{}}
	if u.Phone != "" {
		masked := pii.MaskPhone(u.Phone)
		out.Phone = &masked
	}
	for _, m := range u.Roles {
		out.Roles = append(out.Roles, roleJSON{CommunityID: m.CommunityID, Role: string(m.Role)})
	}
	return out
}

type codeRequest struct {
	Code string `json:"code"`
}

func (r *codeRequest) check() error {
	r.Code = strings.TrimSpace(r.Code)
	switch {
	case r.Code == "":
		return validation.Field("code", validation.Required)
	case !wechat.CodeShape(r.Code):
		// Not the shape WeChat issues (letters, digits, - and _, at most 128): refused at once,
		// however long, before anything reaches WeChat.
		return account.ErrInvalidCode
	}
	return nil
}

// readLoginCode counts a sign-in from the caller's address against the limit and reads the
// body's wx.login code.
func (s *Server) readLoginCode(c *gin.Context) (string, bool) {
	if !s.allowSignIn(c, "login") {
		return "", false
	}
	var req codeRequest
	if !readBody(c, &req) {
		return "", false
	}
	if err := req.check(); err != nil {
		fail(c, err)
		return "", false
	}
	return req.Code, true
}

func (s *Server) login(c *gin.Context) {
	code, ok := s.readLoginCode(c)
	if !ok {
		return
	}
	token, expires, u, err := s.accounts.Login(c.Request.Context(), code)
	if err != nil {
		fail(c, err)
		return
	}
	c.Set(keyUserID, u.ID)
	c.JSON(http.StatusOK, gin.H{"token": token, "expires_at": stamp(expires), "user": meOf(u)})
}

func (s *Server) logout(c *gin.Context) {
	token := strings.TrimSpace(strings.TrimPrefix(c.GetHeader("Authorization"), "Bearer "))
	if err := s.accounts.Logout(c.Request.Context(), token); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type subscriptionJSON struct {
	TemplateID string `json:"template_id"`
	Remaining  int    `json:"remaining"`
	LongTerm   bool   `json:"long_term"`
}

type meDetailJSON struct {
	meJSON
	Subscriptions map[string]subscriptionJSON `json:"subscriptions"`
}

// me answers the user with the pushes of each template they can still receive, so the
// mini-program asks for consent before it runs out.
func (s *Server) me(c *gin.Context) {
	ctx := c.Request.Context()
	u, err := s.accounts.User(ctx, userID(c))
	if err != nil {
		fail(c, err)
		return
	}
	left, err := s.Notify.Consents(ctx, u.ID)
	if err != nil {
		fail(c, err)
		return
	}
	out := meDetailJSON{meJSON: meOf(u), Subscriptions: make(map[string]subscriptionJSON, len(s.Templates))}
	for key, id := range s.Templates {
		out.Subscriptions[key] = subscriptionJSON{TemplateID: id, Remaining: left[id], LongTerm: slices.Contains(s.LongTerm, key)}
	}
	c.JSON(http.StatusOK, out)
}

type profileRequest struct {
	Name        string `json:"name"`
	CommunityID int64  `json:"community_id"`
	BuildingID  int64  `json:"building_id"`
	Unit        string `json:"unit"`
	Room        string `json:"room"`
	Gender      string `json:"gender"`
	BirthDate   string `json:"birth_date"`
}

// putProfile joins a community as a resident and saves the user's own person.
func (s *Server) putProfile(c *gin.Context) {
	var req profileRequest
	if !readBody(c, &req) {
		return
	}
	ctx := c.Request.Context()
	p := person.Profile{
		CommunityID: req.CommunityID, BuildingID: req.BuildingID, Name: req.Name,
		Unit: req.Unit, Room: req.Room, Gender: req.Gender, BirthDate: req.BirthDate,
	}
	if err := p.Normalize(today(s.Now())); err != nil {
		fail(c, err)
		return
	}
	// A building belongs to one community, so finding it proves both; only on a miss do we
	// look at the community to say which field is wrong.
	if _, err := s.Communities.Building(ctx, p.CommunityID, p.BuildingID); errors.Is(err, community.ErrNotFound) {
		if _, err := s.Communities.Get(ctx, p.CommunityID); errors.Is(err, community.ErrNotFound) {
			fail(c, validation.Field("community_id", "社区不存在"))
			return
		}
		fail(c, validation.Field("building_id", "楼栋不存在"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	if _, err := s.Persons.SaveOwn(ctx, userID(c), p); err != nil {
		fail(c, err)
		return
	}
	s.me(c)
}

func (s *Server) bindPhone(c *gin.Context) {
	var req codeRequest
	if !readBody(c, &req) {
		return
	}
	if err := req.check(); err != nil {
		fail(c, err)
		return
	}
	if err := s.accounts.BindPhone(c.Request.Context(), userID(c), req.Code); err != nil {
		fail(c, err)
		return
	}
	s.me(c)
}

// deleteMe erases the account and what only it needed.
func (s *Server) deleteMe(c *gin.Context) {
	ctx := c.Request.Context()
	uid := userID(c)
	if err := s.Persons.ReleaseAccount(ctx, uid); err != nil {
		fail(c, err)
		return
	}
	if err := s.Notify.Forget(ctx, uid); err != nil {
		fail(c, err)
		return
	}
	if err := s.accounts.Delete(ctx, uid); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) appConfig(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"subscribe_templates": s.Templates, "dev_login": s.Fake != nil})
}

// maxConsentsPerRequest is WeChat's limit of templates in one requestSubscribeMessage.
const maxConsentsPerRequest = 3

type subscriptionsRequest struct {
	TemplateIDs []string `json:"template_ids"`
}

func (s *Server) addSubscriptions(c *gin.Context) {
	var req subscriptionsRequest
	if !readBody(c, &req) {
		return
	}
	switch {
	case len(req.TemplateIDs) == 0:
		fail(c, validation.Field("template_ids", validation.Required))
		return
	case len(req.TemplateIDs) > maxConsentsPerRequest:
		fail(c, validation.Field("template_ids", "一次最多 3 个"))
		return
	}
	known := make([]string, 0, len(s.Templates))
	for _, id := range s.Templates {
		known = append(known, id)
	}
	for _, id := range req.TemplateIDs {
		if !slices.Contains(known, id) {
			fail(c, validation.Field("template_ids", "包含未知的模板"))
			return
		}
	}
	consents, err := s.Notify.AddConsents(c.Request.Context(), userID(c), req.TemplateIDs)
	if err != nil {
		fail(c, err)
		return
	}
	type consentJSON struct {
		TemplateID string `json:"template_id"`
		Remaining  int    `json:"remaining"`
	}
	out := make([]consentJSON, 0, len(consents))
	for _, k := range consents {
		out = append(out, consentJSON{TemplateID: k.TemplateID, Remaining: k.Remaining})
	}
	c.JSON(http.StatusOK, gin.H{"consents": out})
}

type messageJSON struct {
	ID          int64  `json:"id"`
	CommunityID int64  `json:"community_id"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Body        string `json:"body"`
	Page        string `json:"page"`
	CreatedAt   string `json:"created_at"`
	Read        bool   `json:"read"`
}

type unreadJSON struct {
	Count int `json:"count"`
}

func (s *Server) unreadCount(c *gin.Context) {
	n, err := s.Notify.Unread(c.Request.Context(), userID(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, unreadJSON{Count: n})
}

func (s *Server) markRead(c *gin.Context) {
	var req struct {
		IDs []int64 `json:"ids"`
		All bool    `json:"all"`
	}
	if !readBody(c, &req) {
		return
	}
	switch {
	case req.All && len(req.IDs) > 0:
		fail(c, validation.Field("ids", "给出 ids 或 all，不要同时给"))
		return
	case !req.All && len(req.IDs) == 0:
		fail(c, validation.Field("ids", validation.Required))
		return
	case len(req.IDs) > notify.MaxMarkRead:
		fail(c, validation.Field("ids", "一次最多 100 条"))
		return
	}
	n, err := s.Notify.MarkRead(c.Request.Context(), userID(c), req.IDs)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, unreadJSON{Count: n})
}

func (s *Server) listMessages(c *gin.Context) {
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Notify.Inbox(c.Request.Context(), userID(c), p)
	replyList(c, rows, next, err, func(m notify.Message) messageJSON {
		return messageJSON{ID: m.ID, CommunityID: m.CommunityID, Kind: m.Kind, Title: m.Title, Body: m.Body,
			Page: m.Page, CreatedAt: stamp(m.CreatedAt), Read: m.Read}
	})
}

// fakeSubscribe stands for the user's tap in wx.requestSubscribeMessage, told to the fake WeChat
// (fake mode only).
func (s *Server) fakeSubscribe(c *gin.Context) {
	var req struct {
		OpenID     string `json:"openid"`
		TemplateID string `json:"template_id"`
		Result     string `json:"result"`
	}
	if !readBody(c, &req) {
		return
	}
	errs := validation.Errors{}
	if req.OpenID == "" {
		errs.Add("openid", validation.Required)
	}
	if req.TemplateID == "" {
		errs.Add("template_id", validation.Required)
	}
	if req.Result != "accept" && req.Result != "reject" {
		errs.Add("result", "应为 accept 或 reject")
	}
	if err := errs.Err(); err != nil {
		fail(c, err)
		return
	}
	remaining, longTerm := s.Fake.Subscribe(req.OpenID, req.TemplateID, req.Result == "accept")
	c.JSON(http.StatusOK, gin.H{"openid": req.OpenID, "template_id": req.TemplateID, "remaining": remaining, "long_term": longTerm})
}
