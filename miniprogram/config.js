// Where the mini-program reaches the server. The one place to change for a deployment:
// WeChat requires an https origin registered as the mini-program's request domain.
module.exports = {
  baseURL: 'http://localhost:8080/api/v1',
  timeout: 15000,
};
