// Stands in for seed 003's '@/utils/user': the logged-in user's info, kept in localStorage.
export default {
  getLocalInfo: () => JSON.parse(localStorage.getItem('userInfo') ?? 'null'),
  setLocalInfo: (info) => localStorage.setItem('userInfo', JSON.stringify(info)),
};
