//! Who may call what: every server function, download and REST endpoint of the console, with the
//! permission it needs. The access tests walk the server's registered endpoints and take the
//! expected answer for each caller from here and from the role table, so an endpoint missing from
//! this table fails them.

use super::menu::Page;
use super::roles::{Permission, Role};

/// What a caller needs to reach an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone (signing in is how one gets a session).
    Open,
    /// A console session whose role grants the permission.
    Session(Permission),
    /// An active API token of a company whose plan includes Mail Security.
    ApiToken,
}

impl Access {
    /// Whether a signed-in user with `role` passes the door (rules inside may still refuse).
    pub fn admits(self, role: Role) -> bool {
        match self {
            Access::Open => true,
            Access::Session(p) => role.grants(p),
            Access::ApiToken => false,
        }
    }
}

/// The access rule of a server function, by its endpoint name (`/api/<name>`).
pub fn server_function(endpoint: &str) -> Option<Access> {
    use Access::Session as S;
    use Permission as P;
    let view = |page: Page| S(page.entry().view);
    let edit = |page: Page| S(page.entry().edit);
    Some(match endpoint {
        "sign_in" => Access::Open,
        // Second step of sign-in: needs the password step's pending session, checked inside.
        "verify_two_step" => Access::Open,
        "sign_out" | "current_admin" => S(P::EnterConsole),
        // Each reverted field is checked against its own edit permission inside.
        "revert_change" => S(P::EnterConsole),
        "two_step_status"
        | "start_two_step_enrolment"
        | "confirm_two_step_enrolment"
        | "new_recovery_codes"
        | "turn_off_two_step" => S(P::EnterConsole),
        "require_two_step" => S(P::ManageAdministrators),
        "load_mail_security" => view(Page::MailSecurity),
        "save_mail_security" => edit(Page::MailSecurity),
        "load_network_security" => view(Page::NetworkSecurity),
        "save_network_security" => edit(Page::NetworkSecurity),
        "load_mail_general" => view(Page::MailGeneral),
        "save_mail_general" => edit(Page::MailGeneral),
        "load_languages" => view(Page::Languages),
        "save_languages" => edit(Page::Languages),
        "list_administrators" | "set_user_role" | "set_user_active" | "hand_over_super_admin" => {
            S(P::ManageAdministrators)
        }
        "list_audit" | "change_details" => view(Page::AuditLog),
        "list_api_tokens" => view(Page::ApiTokens),
        "create_api_token" | "revoke_api_token" => edit(Page::ApiTokens),
        "preview_policy_import" => view(Page::MailSecurity),
        "apply_policy_import" => edit(Page::MailSecurity),
        _ => return None,
    })
}

/// Server functions whose door admits a caller that a finer rule inside may still refuse with
/// 403: reverting checks the edit permission of each setting the change touched.
pub fn refined_inside(endpoint: &str) -> bool {
    endpoint == "revert_change"
}

/// Files served to a signed-in browser, outside the server functions.
pub const DOWNLOADS: [(&str, Access); 2] = [
    (
        "/audit/export.csv",
        Access::Session(Permission::ViewAuditLog),
    ),
    (
        "/policy/export.json",
        Access::Session(Permission::ViewSecurity),
    ),
];

/// The access rule of a REST endpoint under `/api/v1`.
pub fn rest(path: &str) -> Option<Access> {
    match path {
        "/api/v1/policy"
        | "/api/v1/decisions/send"
        | "/api/v1/decisions/receive"
        | "/api/v1/members/features" => Some(Access::ApiToken),
        "/api/v1/openapi.json" => Some(Access::Open),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_admitted_only_to_open_endpoints() {
        for name in ["sign_in", "save_mail_security", "list_audit", "sign_out"] {
            let access = server_function(name).expect("listed");
            assert_eq!(access.admits(Role::Member), access == Access::Open);
        }
    }

    #[test]
    fn unknown_endpoints_have_no_rule() {
        assert_eq!(server_function("drop_everything"), None);
        assert_eq!(rest("/api/v1/admin"), None);
    }

    #[test]
    fn pages_and_their_server_functions_agree() {
        assert_eq!(
            server_function("save_mail_general"),
            Some(Access::Session(Permission::EditMailService))
        );
        assert_eq!(
            server_function("list_api_tokens"),
            Some(Access::Session(Permission::ViewApiTokens))
        );
    }
}
