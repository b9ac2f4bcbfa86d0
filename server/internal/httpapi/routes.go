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
		e.GET("/_fake/wechat/messages", gin.WrapF(s.Fake.ServeMessages))
		e.POST("/_fake/wechat/subscribe", limitBody(MaxBody), s.fakeSubscribe)
	}

	e.GET("/files/*name", s.serveFile)
	e.GET("/console/*path", s.consoleHeaders, s.serveConsole)
	// An upload is counted, then admitted, before its body is read, and before the idempotency
	// key, which would keep a 429 as the key's answer.
	e.POST("/api/v1/uploads", limitBody(MaxUploadBody), s.authenticate, s.limitUploads, s.admitUpload, s.idempotent, s.postUpload)

	api := e.Group("/api/v1", limitBody(MaxBody))
	api.POST("/auth/login", s.login)
	api.GET("/app-config", s.appConfig)
	api.GET("/communities", s.listCommunities)
	api.GET("/communities/:id/buildings", s.listBuildings)
	api.GET("/canteens", s.listCanteens)
	api.GET("/canteens/:id/slots", s.listSlots)
	api.GET("/course-themes", s.listCourseThemes)
	api.GET("/courses", s.listCourses)
	api.GET("/courses/:id", s.getCourse)
	api.POST("/console/tickets", s.createTicket)
	api.GET("/console/tickets/:ticket", s.pollTicket)
	if s.Fake != nil {
		// A typed login code signs in only against the fake WeChat, whose codes a person can type.
		api.POST("/console/sessions", s.consoleCodeLogin)
	}

	me := api.Group("", s.authenticate, s.idempotent)
	me.POST("/auth/logout", s.logout)
	me.GET("/me", s.me)
	me.PUT("/me/profile", s.putProfile)
	me.POST("/me/phone", s.bindPhone)
	me.DELETE("/me", s.deleteMe)
	me.POST("/me/subscriptions", s.addSubscriptions)
	me.GET("/me/messages", s.listMessages)
	me.GET("/me/messages/unread-count", s.unreadCount)
	me.POST("/me/messages/read", s.markRead)
	me.GET("/me/guardian-requests", s.myRequests)
	me.POST("/me/claims", s.claimPerson)

	me.GET("/persons", s.listPersons)
	me.POST("/persons", s.createPerson)
	me.GET("/persons/:id", s.getPerson)
	me.PATCH("/persons/:id", s.patchPerson)
	me.GET("/persons/:id/guardians", s.listGuardians)
	me.DELETE("/persons/:id/guardians/:user_id", s.removeGuardian)
	me.POST("/persons/:id/guardians/:user_id/primary", s.setPrimaryGuardian)
	me.POST("/persons/:id/guardian-requests", s.requestJoin)
	me.GET("/persons/:id/alerts", s.listPersonAlerts)

	me.GET("/alerts/:id", s.getAlert)
	me.POST("/alerts/:id/acknowledge", s.acknowledgeAlert)

	me.POST("/meal-orders", s.bookMeal)
	me.GET("/meal-orders", s.listOrders)
	me.POST("/meal-orders/:id/cancel", s.cancelOrder)
	me.GET("/meal-quote", s.quoteMeal)

	me.POST("/courses/:id/enrollments", s.enroll)
	me.GET("/enrollments", s.listEnrollments)
	me.POST("/enrollments/:id/cancel", s.cancelEnrollment)

	me.GET("/report-categories", s.listCategories)
	me.POST("/reports", s.submitReport)
	me.GET("/reports", s.listMyReports)
	me.GET("/reports/:id", s.getReport)
	me.POST("/reports/:id/confirm", s.confirmReport)
	me.POST("/reports/:id/reopen", s.reopenReport)
	me.POST("/reports/:id/cancel", s.cancelReport)

	// The mini-program's side of the console's sign-in: staff and canteen staff scan and decide.
	tickets := me.Group("/console/tickets", s.requireRole(account.ConsoleRoles...))
	tickets.POST("/:ticket/scan", s.decideTicket(account.TicketScanned))
	tickets.POST("/:ticket/approve", s.decideTicket(account.TicketApproved))
	tickets.POST("/:ticket/decline", s.decideTicket(account.TicketDeclined))

	admin := me.Group("/admin", s.requireRole(account.RoleStaff))
	admin.GET("/overview", s.adminOverview)
	admin.POST("/buildings", s.adminAddBuilding)
	admin.GET("/members", s.adminMembers)
	admin.GET("/users", s.adminFindUsers)
	admin.POST("/members", s.adminGrant)
	admin.DELETE("/members/:user_id/:role", s.adminRevoke)
	admin.GET("/persons", s.adminListPersons)
	admin.GET("/persons.csv", s.adminExportPersons)
	admin.POST("/persons", s.adminCreatePerson)
	admin.POST("/persons/:id/verify", s.adminVerifyPerson)
	admin.GET("/persons/:id/audit", s.adminPersonAudit)
	admin.GET("/guardian-requests", s.adminListRequests)
	admin.POST("/guardian-requests/:id/approve", s.adminDecide(true))
	admin.POST("/guardian-requests/:id/reject", s.adminDecide(false))
	admin.PUT("/persons/:id/subsidy-status", s.adminSetSubsidyStatus)
	admin.POST("/canteens", s.adminCreateCanteen)
	admin.PATCH("/canteens/:id", s.adminPatchCanteen)
	admin.GET("/subsidy-rules", s.adminGetRules)
	admin.PUT("/subsidy-rules", s.adminPutRules)
	admin.GET("/subsidy-report", s.adminSubsidyReport)
	admin.PUT("/report-categories", s.adminPutCategories)
	admin.GET("/reports", s.adminReports)
	admin.GET("/reports/:id", s.adminGetReport)
	admin.POST("/reports/:id/assign", s.adminAssignReport)
	admin.GET("/grids", s.adminListGrids)
	admin.POST("/grids", s.adminCreateGrid)
	admin.PUT("/grids/:id", s.adminPutGrid)
	admin.GET("/courses", s.adminListCourses)
	admin.POST("/courses", s.adminCreateCourse)
	admin.PATCH("/courses/:id", s.adminPatchCourse)
	admin.POST("/courses/:id/cancel", s.adminCancelCourse)
	admin.GET("/courses/:id/roster", s.adminRoster)
	admin.POST("/courses/:id/checkin", s.adminCheckin)
	admin.GET("/alerts", s.adminAlerts)
	admin.GET("/dead-letters", s.adminDeadLetters)
	admin.POST("/dead-letters/:id/retry", s.adminRetryDeadLetter)

	// The kitchen: canteen staff and staff.
	kitchen := me.Group("/admin", s.requireRole(account.RoleStaff, account.RoleCanteenStaff))
	kitchen.POST("/canteens/:id/slots", s.adminCreateSlot)
	kitchen.POST("/canteens/:id/copy-week", s.adminCopyWeek)
	kitchen.PATCH("/slots/:id", s.adminPatchSlot)
	kitchen.POST("/slots/:id/close", s.adminCloseSlot)
	kitchen.GET("/canteens/:id/prep-list", s.adminPrepList)
	kitchen.GET("/canteens/:id/delivery-list", s.adminDeliveryList)
	kitchen.POST("/canteens/:id/redeem", s.adminRedeem)

	// Riders (小巷骑兵) are the community's volunteers; staff may ride too.
	worker := me.Group("/worker", s.requireRole(account.RoleVolunteer, account.RoleStaff))
	worker.GET("/deliveries", s.workerDeliveries)
	worker.POST("/deliveries/:order_id/delivered", s.workerOutcome(true))
	worker.POST("/deliveries/:order_id/no-answer", s.workerOutcome(false))

	// Reports: grid workers, volunteers (who may claim minor reports) and staff.
	tasks := me.Group("/worker", s.requireRole(account.RoleGridWorker, account.RoleVolunteer, account.RoleStaff))
	tasks.GET("/tasks", s.workerTasks)
	tasks.GET("/tasks/:id", s.workerTask)
	tasks.GET("/open-tasks", s.workerOpenTasks)
	s.routesWorkerActions(tasks)
}
