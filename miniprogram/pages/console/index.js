// 扫码登录工作台: a staff member scanned the console's QR code. The page tells the server it was
// scanned (the console then shows it), shows which browser asked and when, and confirms or
// declines the sign-in. Only the browser holding the ticket's secret then gets the session.
const pageBehavior = require('../../behaviors/page');
const api = require('../../utils/api');
const words = require('../../utils/console');

Component({
  behaviors: [pageBehavior],
  data: {
    loading: true,
    problem: '',
    ticket: null,
    browser: '',
    time: '',
    busy: '',
    done: '',
  },
  methods: {
    onLoad(query) {
      this.id = (query && query.ticket) || '';
      this.scan();
    },
    async scan() {
      if (!this.id) {
        this.setData({ loading: false, problem: '这不是工作台的登录二维码' });
        return;
      }
      this.setData({ loading: true, problem: '' });
      try {
        const ticket = await api.post('/console/tickets/' + this.id + '/scan', undefined, { silent: true });
        this.setData({ loading: false, ticket, browser: words.browserName(ticket.user_agent), time: words.clock(ticket.created_at) });
      } catch (err) {
        this.setData({ loading: false, problem: words.problem(err) });
      }
    },
    approve() {
      return this.decide('approve');
    },
    decline() {
      return this.decide('decline');
    },
    async decide(step) {
      // One decision per scan: a second tap, or a tap after it is done, sends nothing.
      if (this.data.busy || this.data.done) {
        return;
      }
      this.setData({ busy: step });
      try {
        await api.post('/console/tickets/' + this.id + '/' + step, undefined, { silent: true });
        this.setData({ done: step === 'approve' ? 'approved' : 'declined' });
      } catch (err) {
        this.setData({ problem: words.problem(err) });
      } finally {
        this.setData({ busy: '' });
      }
    },
    back() {
      wx.navigateBack({ fail: () => wx.switchTab({ url: '/pages/mine/index' }) });
    },
  },
});
