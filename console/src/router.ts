// The console's pages. meta.roles says who sees a page (staff everywhere, canteen staff in the
// canteen); the menu is built from the same list.
import { watch } from 'vue'
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { session, type ConsoleRole } from './session'
import { loadUser } from './boot'
import { CheckRectangleIcon, DashboardIcon, EducationIcon, NotificationIcon, SettingIcon, ShopIcon, UserListIcon, UserSafetyIcon } from 'tdesign-icons-vue-next'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    roles?: ConsoleRole[]
    /** The menu group the page sits in; pages without one are reached from another page. */
    group?: string
    public?: boolean
  }
}

const staff: ConsoleRole[] = ['staff']
const kitchen: ConsoleRole[] = ['staff', 'canteen_staff']

export const pages: RouteRecordRaw[] = [
  { path: '', name: 'overview', component: () => import('./pages/overview/Overview.vue'), meta: { title: '概览', roles: staff, group: 'overview' } },
  { path: 'alerts', name: 'alerts', component: () => import('./pages/alerts/Alerts.vue'), meta: { title: '安危确认', roles: staff, group: 'alerts' } },
  { path: 'persons', name: 'persons', component: () => import('./pages/persons/PersonList.vue'), meta: { title: '居民档案', roles: staff, group: 'persons' } },
  { path: 'persons/:id(\\d+)', name: 'person', component: () => import('./pages/persons/PersonDetail.vue'), meta: { title: '居民详情', roles: staff } },
  { path: 'approvals', name: 'approvals', component: () => import('./pages/approvals/Approvals.vue'), meta: { title: '审核', roles: staff, group: 'approvals' } },
  { path: 'canteen/week', name: 'canteen-week', component: () => import('./pages/canteen/Week.vue'), meta: { title: '周菜单', roles: kitchen, group: 'canteen' } },
  { path: 'canteen/prep', name: 'canteen-prep', component: () => import('./pages/canteen/Prep.vue'), meta: { title: '今日备餐', roles: kitchen, group: 'canteen' } },
  { path: 'canteen/delivery', name: 'canteen-delivery', component: () => import('./pages/canteen/Delivery.vue'), meta: { title: '送餐单', roles: kitchen, group: 'canteen' } },
  { path: 'canteen/counter', name: 'canteen-counter', component: () => import('./pages/canteen/Counter.vue'), meta: { title: '取餐核销', roles: kitchen, group: 'canteen' } },
  { path: 'canteen/settlement', name: 'canteen-settlement', component: () => import('./pages/canteen/Settlement.vue'), meta: { title: '月度结算', roles: staff, group: 'canteen' } },
  { path: 'canteen/subsidy', name: 'canteen-subsidy', component: () => import('./pages/canteen/Subsidy.vue'), meta: { title: '补贴规则', roles: staff, group: 'canteen' } },
  { path: 'canteen/canteens', name: 'canteen-canteens', component: () => import('./pages/canteen/Canteens.vue'), meta: { title: '食堂管理', roles: staff, group: 'canteen' } },
  { path: 'reports', name: 'reports', component: () => import('./pages/reports/ReportList.vue'), meta: { title: '报事列表', roles: staff, group: 'reports' } },
  { path: 'reports/:id(\\d+)', name: 'report', component: () => import('./pages/reports/ReportDetail.vue'), meta: { title: '报事详情', roles: staff } },
  { path: 'reports/categories', name: 'report-categories', component: () => import('./pages/reports/Categories.vue'), meta: { title: '报事类别', roles: staff, group: 'reports' } },
  { path: 'reports/grids', name: 'report-grids', component: () => import('./pages/reports/Grids.vue'), meta: { title: '网格', roles: staff, group: 'reports' } },
  { path: 'courses', name: 'courses', component: () => import('./pages/courses/CourseList.vue'), meta: { title: '课程', roles: staff, group: 'courses' } },
  { path: 'courses/:id(\\d+)', name: 'course', component: () => import('./pages/courses/CourseDetail.vue'), meta: { title: '课程详情', roles: staff } },
  { path: 'settings/buildings', name: 'settings-buildings', component: () => import('./pages/settings/Buildings.vue'), meta: { title: '楼栋', roles: staff, group: 'settings' } },
  { path: 'settings/members', name: 'settings-members', component: () => import('./pages/settings/Members.vue'), meta: { title: '成员与角色', roles: staff, group: 'settings' } },
  { path: 'settings/dead-letters', name: 'settings-dead-letters', component: () => import('./pages/settings/DeadLetters.vue'), meta: { title: '投递失败', roles: staff, group: 'settings' } },
]

/** groups are the left menu's sections, in order. Icons are SVG components: the icon font would
 * load from a CDN, which the Content-Security-Policy (rightly) refuses. */
export const groups = [
  { key: 'overview', title: '概览', icon: DashboardIcon },
  { key: 'alerts', title: '安危确认', icon: UserSafetyIcon },
  { key: 'persons', title: '居民档案', icon: UserListIcon },
  { key: 'approvals', title: '审核', icon: CheckRectangleIcon },
  { key: 'canteen', title: '食堂', icon: ShopIcon },
  { key: 'reports', title: '报事调度', icon: NotificationIcon },
  { key: 'courses', title: '家长大学', icon: EducationIcon },
  { key: 'settings', title: '社区设置', icon: SettingIcon },
]

/** allowed tells whether the signed-in user may open a page in the community acted in. */
export function allowed(roles: ConsoleRole[] | undefined): boolean {
  return !roles || roles.some((r) => session.roles.includes(r))
}

/** home is where a user lands: the overview for staff, the canteen for canteen staff. */
export function home(): string {
  return session.isStaff ? '/' : '/canteen/prep'
}

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/Login.vue'), meta: { title: '登录', public: true } },
    { path: '/', component: () => import('./layouts/Shell.vue'), children: pages },
    { path: '/:rest(.*)*', name: 'missing', component: () => import('./pages/Missing.vue'), meta: { title: '页面不存在', public: true } },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  if (!session.token) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  if (!session.user) {
    try {
      await loadUser()
    } catch {
      return { name: 'login' }
    }
    if (!session.token) return { name: 'login' }
  }
  if (!allowed(to.meta.roles)) {
    const to2 = home()
    return to.path === to2 ? true : to2
  }
  return true
})

router.afterEach((to) => {
  document.title = `${to.meta.title ?? '工作台'} · 邻里社区工作台`
})

// When the server ends the session under an open page (expired, signed out elsewhere, the role
// revoked), the page gives way to the sign-in page, which says why.
watch(
  () => session.expired,
  (gone) => {
    const here = router.currentRoute.value
    if (!gone || here.meta.public) return
    router.replace({ name: 'login', query: here.fullPath !== '/' ? { next: here.fullPath } : {} })
  },
)
