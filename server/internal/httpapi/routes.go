package httpapi

import (
	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/account"
)

// routes is the whole API surface.
func (s *Server) routes(e *gin.Engine) {
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", gin.WrapH(s.metricsHandler()))
	if s.Fake != nil {
		e.GET("/_fake/wechat/messages", gin.WrapH(s.Fake))
	}

	api := e.Group("/api/v1", limitBody(MaxBody))
	api.POST("/auth/login", s.login)
	api.GET("/app-config", s.appConfig)
	api.GET("/communities", s.listCommunities)
	api.GET("/communities/:id/buildings", s.listBuildings)

	me := api.Group("", s.authenticate, s.idempotent)
	me.POST("/auth/logout", s.logout)
	me.GET("/me", s.me)
	me.PUT("/me/profile", s.putProfile)
	me.POST("/me/phone", s.bindPhone)
	me.DELETE("/me", s.deleteMe)
	me.POST("/me/subscriptions", s.addSubscriptions)
	me.GET("/me/messages", s.listMessages)

	admin := me.Group("/admin", s.requireRole(account.RoleStaff))
	admin.POST("/buildings", s.adminAddBuilding)
	admin.POST("/members", s.adminGrant)
	admin.DELETE("/members/:user_id/:role", s.adminRevoke)
}
