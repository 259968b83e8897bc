"""Writes about places and people: users and roles, partition, assignment."""

from grids.services.assignment import (
    AssignmentReport,
    PlannedAssignment,
    community_assignment_apply,
    community_assignment_preview,
    community_available_workers,
    community_uncovered_grids,
    grid_assign_worker,
    grid_unassign_worker,
)
from grids.services.enterprises import enterprise_blacklist, enterprise_risk_raise
from grids.services.partitioning import (
    PartitionReport,
    PlannedGrid,
    communities_partition_apply,
    community_partition_apply,
    community_partition_preview,
)
from grids.services.personal_data import (
    PersonalDataSection,
    register_personal_data,
    user_account_close,
    user_data_export,
)
from grids.services.users import role_grant, role_revoke, user_update_profile

__all__ = [
    "AssignmentReport",
    "PartitionReport",
    "PersonalDataSection",
    "PlannedAssignment",
    "PlannedGrid",
    "communities_partition_apply",
    "enterprise_blacklist",
    "enterprise_risk_raise",
    "community_assignment_apply",
    "community_assignment_preview",
    "community_available_workers",
    "community_partition_apply",
    "community_partition_preview",
    "community_uncovered_grids",
    "grid_assign_worker",
    "grid_unassign_worker",
    "register_personal_data",
    "role_grant",
    "role_revoke",
    "user_account_close",
    "user_data_export",
    "user_update_profile",
]
