from django.urls import path

from points import api

urlpatterns = [
    path("points/balance/", api.BalanceApi.as_view(), name="points-balance"),
    path("points/history/", api.HistoryApi.as_view(), name="points-history"),
    path("points/adjustments/", api.AdjustmentApi.as_view(), name="points-adjustments"),
    path("points/leaderboard/", api.LeaderboardApi.as_view(), name="points-leaderboard"),
    path("rewards/", api.RewardListApi.as_view(), name="rewards"),
    path("rewards/<id:reward_id>/redeem/", api.RewardRedeemApi.as_view(), name="reward-redeem"),
    path("vouchers/", api.VoucherListApi.as_view(), name="vouchers"),
    path("vouchers/<segment:code>/", api.VoucherDetailApi.as_view(), name="voucher-detail"),
    path("vouchers/<segment:code>/cancel/", api.VoucherCancelApi.as_view(), name="voucher-cancel"),
    path("vouchers/<segment:code>/fulfil/", api.VoucherFulfilApi.as_view(), name="voucher-fulfil"),
]
