package main

import (
	"context"
	"time"

	"github.com/linli/linli/server/internal/app"
	"github.com/linli/linli/server/internal/course"
	"github.com/linli/linli/server/internal/cst"
)

// demoCourse is one parent-university course of the demo: a theme, weekly sessions from a day
// offset, and for children's courses an age range.
type demoCourse struct {
	theme, title, teacher, description string
	minAge, maxAge                     int
	capacity, sessions, startDay       int
	evening                            bool
}

// demoCourses are the parent university's 21 courses in its 6 themes (德智体美劳, and the
// parents' own growth), as the seed describes it.
var demoCourses = []demoCourse{
	{theme: "品德养成", title: "好习惯从小养成", teacher: "周老师", capacity: 40, sessions: 3, startDay: 2, evening: true, description: "从守时、整理、礼貌说起，和孩子一起定规矩、守规矩。"},
	{theme: "品德养成", title: "家风家训与孩子品格", teacher: "陈老师", capacity: 40, sessions: 2, startDay: 3, evening: true, description: "讲讲我们自己的家风，聊聊如何言传身教。"},
	{theme: "品德养成", title: "诚信与责任感", teacher: "周老师", capacity: 30, sessions: 2, startDay: 9, evening: true, description: "孩子说谎了怎么办？从小事培养责任心。"},
	{theme: "品德养成", title: "学会感恩", teacher: "吴老师", capacity: 30, sessions: 2, startDay: 10, minAge: 6, maxAge: 12, description: "亲子一起做感恩卡片，走访社区长辈。"},
	{theme: "学习习惯", title: "如何陪孩子写作业", teacher: "李老师", capacity: 50, sessions: 3, startDay: 2, evening: true, description: "少催促、多引导：作业时间的安排与情绪管理。"},
	{theme: "学习习惯", title: "亲子共读", teacher: "何老师", capacity: 30, sessions: 4, startDay: 4, minAge: 4, maxAge: 10, description: "每周一本绘本，家长和孩子一起读、一起讲。"},
	{theme: "学习习惯", title: "专注力培养", teacher: "李老师", capacity: 25, sessions: 3, startDay: 5, evening: true, description: "用游戏和小任务练专注，减少拖拉。"},
	{theme: "学习习惯", title: "幼小衔接准备", teacher: "何老师", capacity: 40, sessions: 2, startDay: 11, evening: true, description: "上小学前，孩子和家长要准备些什么。"},
	{theme: "运动健康", title: "少儿体能游戏", teacher: "郑教练", capacity: 20, sessions: 4, startDay: 3, minAge: 6, maxAge: 12, description: "跑、跳、投的趣味游戏，在社区运动场上课。"},
	{theme: "运动健康", title: "孩子的睡眠与营养", teacher: "社区卫生服务站 王医生", capacity: 40, sessions: 2, startDay: 6, evening: true, description: "吃什么、睡多久，医生讲给家长听。"},
	{theme: "运动健康", title: "近视防控与用眼卫生", teacher: "社区卫生服务站 王医生", capacity: 40, sessions: 1, startDay: 12, evening: true, description: "屏幕时间怎么管，户外活动怎么安排。"},
	{theme: "艺术审美", title: "亲子手工", teacher: "孙老师", capacity: 15, sessions: 3, startDay: 4, minAge: 4, maxAge: 10, description: "用旧物做手工，家长和孩子一起动手。"},
	{theme: "艺术审美", title: "少儿合唱", teacher: "冯老师", capacity: 25, sessions: 4, startDay: 5, minAge: 6, maxAge: 12, description: "和社区文艺队一起排练，年底登台演出。"},
	{theme: "艺术审美", title: "家庭美育", teacher: "孙老师", capacity: 30, sessions: 2, startDay: 13, evening: true, description: "在家里也能做的美育：看画、听音乐、逛博物馆。"},
	{theme: "劳动实践", title: "小小家务能手", teacher: "朱老师", capacity: 20, sessions: 3, startDay: 3, minAge: 6, maxAge: 12, description: "叠衣服、洗碗、整理书包，学会照顾自己。"},
	{theme: "劳动实践", title: "社区种植园", teacher: "朱老师", capacity: 20, sessions: 4, startDay: 6, minAge: 6, maxAge: 14, description: "在社区菜园种菜、浇水、收获。"},
	{theme: "劳动实践", title: "劳动教育在家里", teacher: "吴老师", capacity: 40, sessions: 1, startDay: 9, evening: true, description: "给孩子安排家务的方法和分寸。"},
	{theme: "家长成长", title: "缓解育儿焦虑", teacher: "心理咨询师 林老师", capacity: 30, sessions: 3, startDay: 2, evening: true, description: "不比较、不内卷：家长先照顾好自己的情绪。"},
	{theme: "家长成长", title: "与青春期孩子沟通", teacher: "心理咨询师 林老师", capacity: 30, sessions: 3, startDay: 7, evening: true, description: "孩子不愿说话了？学会倾听与表达。"},
	{theme: "家长成长", title: "隔代教养", teacher: "陈老师", capacity: 30, sessions: 2, startDay: 8, description: "爷爷奶奶带娃，两代人怎么配合。"},
	{theme: "家长成长", title: "二孩家庭的相处", teacher: "陈老师", capacity: 2, sessions: 2, startDay: 10, evening: true, description: "小班讨论：老大老二的矛盾怎么化解。"},
}

// seedDemoCourses adds the parent university's courses: evening classes at 19:00 for parents,
// Saturday-style mornings at 09:30 for children, weekly, enrolment closing the day before.
func seedDemoCourses(ctx context.Context, a *app.App, communityID int64) error {
	today, err := time.ParseInLocation(time.DateOnly, cst.Today(time.Now()), cst.Zone)
	if err != nil {
		return err
	}
	for _, d := range demoCourses {
		in := course.Input{Theme: d.theme, Title: d.title, Teacher: d.teacher, Description: d.description, Capacity: d.capacity,
			Audience: course.AudienceParents, EnrollBy: today.AddDate(0, 0, d.startDay-1).Add(20 * time.Hour)}
		at, place := 19*time.Hour, "中埂社区家长大学教室"
		if d.maxAge > 0 {
			in.Audience, in.MinAge, in.MaxAge = course.AudienceChildren, d.minAge, d.maxAge
			at, place = 9*time.Hour+30*time.Minute, "中埂社区活动室"
		}
		for i := range d.sessions {
			start := today.AddDate(0, 0, d.startDay+7*i).Add(at)
			in.Sessions = append(in.Sessions, course.Session{StartsAt: start, EndsAt: start.Add(90 * time.Minute), Place: place})
		}
		if _, err := a.Courses.Create(ctx, communityID, in); err != nil {
			return err
		}
	}
	return nil
}
