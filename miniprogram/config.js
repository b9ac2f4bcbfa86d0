// Where the mini-program reaches the server. The one place to change for a deployment:
// WeChat requires an https origin registered as the mini-program's request domain.
module.exports = {
  baseURL: 'http://localhost:8080/api/v1',
  timeout: 15000,
  // Who answers privacy requests (pages/privacy): the operator's name and a phone or email.
  // Left empty, the policy sends the user to their community's staff, who run the service.
  privacy: { operator: '', contact: '' },
};
