//! Roles and the permissions they grant. Deny by default: a permission is granted only where this
//! table says so.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The role of a user inside their company.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Exactly one per company; can do everything and hand the role over.
    SuperAdmin,
    /// The Security menus.
    SecurityAdmin,
    /// Service > Mail.
    MailAdmin,
    /// Reads everything an admin can see, changes nothing.
    Auditor,
    /// A mail user; cannot enter the console.
    Member,
}

/// Something a caller may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Enter the admin console at all.
    EnterConsole,
    ViewSecurity,
    EditSecurity,
    ViewMailService,
    EditMailService,
    ViewCompany,
    EditCompany,
    ManageAdministrators,
    ViewAuditLog,
    /// See the mail service's API tokens (never their secrets).
    ViewApiTokens,
    /// Create and revoke API tokens.
    ManageApiTokens,
}

impl Permission {
    pub const ALL: [Permission; 11] = [
        Permission::EnterConsole,
        Permission::ViewSecurity,
        Permission::EditSecurity,
        Permission::ViewMailService,
        Permission::EditMailService,
        Permission::ViewCompany,
        Permission::EditCompany,
        Permission::ManageAdministrators,
        Permission::ViewAuditLog,
        Permission::ViewApiTokens,
        Permission::ManageApiTokens,
    ];
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::SuperAdmin,
        Role::SecurityAdmin,
        Role::MailAdmin,
        Role::Auditor,
        Role::Member,
    ];

    /// The permission table. Anything not listed is denied.
    pub fn grants(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::SuperAdmin => true,
            Role::SecurityAdmin => matches!(
                permission,
                P::EnterConsole
                    | P::ViewSecurity
                    | P::EditSecurity
                    | P::ViewAuditLog
                    | P::ViewApiTokens
                    | P::ManageApiTokens
            ),
            Role::MailAdmin => matches!(
                permission,
                P::EnterConsole | P::ViewMailService | P::EditMailService
            ),
            Role::Auditor => matches!(
                permission,
                P::EnterConsole
                    | P::ViewSecurity
                    | P::ViewMailService
                    | P::ViewCompany
                    | P::ViewAuditLog
                    | P::ViewApiTokens
            ),
            Role::Member => false,
        }
    }

    pub fn is_admin(self) -> bool {
        self.grants(Permission::EnterConsole)
    }

    /// The name shown to administrators.
    pub fn label(self) -> &'static str {
        match self {
            Role::SuperAdmin => "Super admin",
            Role::SecurityAdmin => "Security admin",
            Role::MailAdmin => "Mail admin",
            Role::Auditor => "Auditor",
            Role::Member => "Member",
        }
    }

    /// The stable name stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SuperAdmin => "super_admin",
            Role::SecurityAdmin => "security_admin",
            Role::MailAdmin => "mail_admin",
            Role::Auditor => "auditor",
            Role::Member => "member",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown role '{s}'; expected one of: super_admin, security_admin, mail_admin, auditor, member"
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_get_nothing() {
        for p in Permission::ALL {
            assert!(!Role::Member.grants(p), "member must not get {p:?}");
        }
    }

    #[test]
    fn auditor_reads_but_never_edits() {
        for p in [
            Permission::EditSecurity,
            Permission::EditMailService,
            Permission::EditCompany,
            Permission::ManageAdministrators,
            Permission::ManageApiTokens,
        ] {
            assert!(!Role::Auditor.grants(p));
        }
        assert!(Role::Auditor.grants(Permission::ViewSecurity));
        assert!(Role::Auditor.grants(Permission::ViewMailService));
        assert!(Role::Auditor.grants(Permission::ViewAuditLog));
    }

    #[test]
    fn security_and_mail_admins_stay_in_their_menus() {
        assert!(Role::SecurityAdmin.grants(Permission::EditSecurity));
        assert!(!Role::SecurityAdmin.grants(Permission::EditMailService));
        assert!(!Role::SecurityAdmin.grants(Permission::ManageAdministrators));
        assert!(Role::MailAdmin.grants(Permission::EditMailService));
        assert!(!Role::MailAdmin.grants(Permission::ViewSecurity));
        assert!(!Role::MailAdmin.grants(Permission::ViewAuditLog));
    }

    #[test]
    fn only_super_admin_manages_administrators() {
        for role in Role::ALL {
            assert_eq!(
                role.grants(Permission::ManageAdministrators),
                role == Role::SuperAdmin
            );
        }
    }

    #[test]
    fn every_edit_permission_implies_the_matching_view() {
        for role in Role::ALL {
            if role.grants(Permission::EditSecurity) {
                assert!(role.grants(Permission::ViewSecurity));
            }
            if role.grants(Permission::EditMailService) {
                assert!(role.grants(Permission::ViewMailService));
            }
            if role.grants(Permission::EditCompany) {
                assert!(role.grants(Permission::ViewCompany));
            }
        }
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("owner".parse::<Role>().is_err());
    }
}
