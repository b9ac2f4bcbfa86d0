package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 when MySQL and Redis both answer, else 503 naming the one that does not.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	checks := gin.H{"mysql": "ok", "redis": "ok"}
	ready := true
	if err := s.DB.PingContext(ctx); err != nil {
		checks["mysql"], ready = "down", false
	}
	if err := s.Redis.Ping(ctx).Err(); err != nil {
		checks["redis"], ready = "down", false
	}
	if !ready {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "checks": checks})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "checks": checks})
}
