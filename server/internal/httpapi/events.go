package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/events"
	"github.com/linli/linli/server/internal/paging"
)

type deadLetterJSON struct {
	ID        int64           `json:"id"`
	Topic     string          `json:"topic"`
	Payload   json.RawMessage `json:"payload"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"last_error"`
	CreatedAt string          `json:"created_at"`
	DeadAt    string          `json:"dead_at"`
}

// adminDeadLetters lists the community's work that failed every attempt, newest first.
func (s *Server) adminDeadLetters(c *gin.Context) {
	sr, ok := readSearch(c, paging.Newest)
	if !ok {
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Events.DeadLetters(c.Request.Context(), communityID(c), sr.Q, sr.Order, p)
	replyList(c, rows, next, err, func(e events.Event) deadLetterJSON {
		return deadLetterJSON{ID: e.ID, Topic: e.Topic, Payload: e.Payload, Attempts: e.Attempts, LastError: e.LastError,
			CreatedAt: stamp(e.CreatedAt), DeadAt: stamp(e.DeadAt)}
	})
}

// adminRetryDeadLetter sends a dead letter round again.
func (s *Server) adminRetryDeadLetter(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	if err := s.Events.Retry(c.Request.Context(), communityID(c), id); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": id, "status": "queued"})
}
