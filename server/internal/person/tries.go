package person

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/notify"
	"github.com/linli/linli/server/internal/ratelimit"
)

// A try is an ID-card number someone who is not staff gives where the register is searched by
// it: a claim, a request to join as a guardian, a registration, an edit of a record's ID card.
// Region and birth date leave a few hundred candidates for a person's number, so tries are
// limited per user and per community, counted before the search, right and wrong alike (a limit
// counting only wrong ones would itself tell a right one), and staff are told when a limit is
// reached.
const (
	IDCardTriesPerUser      = 10
	IDCardTriesPerCommunity = 60
	triesWindow             = time.Hour
)

// ErrTooManyTries is a user, or a community's users together, past their tries for the hour.
var ErrTooManyTries = errors.New("person: too many ID-card tries")

// ErrIDCardMismatch is approving a claim or join whose ID card did not match the record.
var ErrIDCardMismatch = errors.New("person: the ID card given does not match the record")

// tries counts ID-card tries.
type tries struct {
	user, community *ratelimit.Limiter
}

func newTries(s *Service) tries {
	return tries{
		user:      ratelimit.New(s.rdb, s.prefix+"idcard:u:", IDCardTriesPerUser, triesWindow, s.now),
		community: ratelimit.New(s.rdb, s.prefix+"idcard:c:", IDCardTriesPerCommunity, triesWindow, s.now),
	}
}

// allowTry counts a try by the user about a record of the community. If Redis does not answer
// the limit is skipped: the answers themselves tell a right guess from no wrong one.
func (s *Service) allowTry(ctx context.Context, userID, communityID int64) error {
	n, err := s.tries.user.Take(ctx, fmt.Sprint(userID))
	if err != nil {
		return nil
	}
	if n > IDCardTriesPerUser {
		if n == IDCardTriesPerUser+1 {
			s.tellTries(ctx, communityID, userID)
		}
		return ErrTooManyTries
	}
	n, err = s.tries.community.Take(ctx, fmt.Sprint(communityID))
	if err != nil {
		return nil
	}
	if n > IDCardTriesPerCommunity {
		if n == IDCardTriesPerCommunity+1 {
			s.tellTries(ctx, communityID, 0)
		}
		return ErrTooManyTries
	}
	return nil
}

// tellTries puts in the inbox of the community's staff that a user (0: the community's users
// together) reached the limit, once per user and hour. It names the user, never a number tried.
// Failing to tell is not the caller's failure: the request is refused all the same.
func (s *Service) tellTries(ctx context.Context, communityID, userID int64) {
	now := s.now().UTC()
	window := s.tries.user.WindowOf(now)
	m := notify.Message{CommunityID: communityID, Kind: "id_card_tries", Title: "身份证号尝试过多", Page: "/pages/review/index", CreatedAt: now}
	key := fmt.Sprintf("id_card_tries:c:%d:%d", communityID, window)
	if userID == 0 {
		m.Body = fmt.Sprintf("本社区一小时内有 %d 次以上用身份证号认领档案、申请监护或登记家人，已暂停小程序中的这些操作一小时（窗口登记不受影响）。"+
			"请留意是否有人在试探居民的身份证号。", IDCardTriesPerCommunity)
	} else {
		names, err := s.staffing.Names(ctx, []int64{userID})
		if err != nil {
			return
		}
		who := fmt.Sprintf("用户 %d", userID)
		if name := strings.TrimSpace(names[userID]); name != "" {
			who = fmt.Sprintf("%s（用户 %d）", name, userID)
		}
		m.Body = fmt.Sprintf("%s一小时内 %d 次以上用身份证号认领档案、申请监护或登记家人，已暂停其这些操作一小时。"+
			"如非正常办理，请留意其待审核的申请。", who, IDCardTriesPerUser)
		key = fmt.Sprintf("id_card_tries:u:%d:%d", userID, window)
	}
	staff, err := s.staffing.StaffOf(ctx, communityID)
	if err != nil {
		return
	}
	_ = database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		for _, uid := range staff {
			if err := notify.WriteTx(ctx, tx, uid, key, m); err != nil {
				return err
			}
		}
		return nil
	})
}
