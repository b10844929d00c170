//! The admin menu: one table that feeds the desktop sidebar, the mobile menu and the page guards.

use super::roles::{Permission, Role};
use serde::{Deserialize, Serialize};

/// A page of the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Page {
    MailSecurity,
    NetworkSecurity,
    MailGeneral,
    Languages,
    Administrators,
    AuditLog,
    ApiTokens,
}

/// A group of entries in the left menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MenuGroup {
    Security,
    Service,
    Company,
    /// Entries shown at the top level, outside any group.
    None,
}

impl MenuGroup {
    pub fn label(self) -> &'static str {
        match self {
            MenuGroup::Security => "Security",
            MenuGroup::Service => "Service",
            MenuGroup::Company => "Company",
            MenuGroup::None => "",
        }
    }
}

/// One row of the menu table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MenuEntry {
    pub page: Page,
    pub group: MenuGroup,
    pub label: &'static str,
    pub path: &'static str,
    /// Needed to open the page.
    pub view: Permission,
    /// Needed to change anything on it.
    pub edit: Permission,
}

pub const MENU: [MenuEntry; 7] = [
    MenuEntry {
        page: Page::MailSecurity,
        group: MenuGroup::Security,
        label: "Mail Security",
        path: "/security/mail",
        view: Permission::ViewSecurity,
        edit: Permission::EditSecurity,
    },
    MenuEntry {
        page: Page::NetworkSecurity,
        group: MenuGroup::Security,
        label: "Network Security",
        path: "/security/network",
        view: Permission::ViewSecurity,
        edit: Permission::EditSecurity,
    },
    MenuEntry {
        page: Page::ApiTokens,
        group: MenuGroup::Security,
        label: "API tokens",
        path: "/security/api-tokens",
        view: Permission::ViewApiTokens,
        edit: Permission::ManageApiTokens,
    },
    MenuEntry {
        page: Page::MailGeneral,
        group: MenuGroup::Service,
        label: "Mail > General",
        path: "/service/mail/general",
        view: Permission::ViewMailService,
        edit: Permission::EditMailService,
    },
    MenuEntry {
        page: Page::Languages,
        group: MenuGroup::Company,
        label: "Set Multi-language",
        path: "/company/languages",
        view: Permission::ViewCompany,
        edit: Permission::EditCompany,
    },
    MenuEntry {
        page: Page::Administrators,
        group: MenuGroup::Company,
        label: "Administrators",
        path: "/company/administrators",
        view: Permission::ManageAdministrators,
        edit: Permission::ManageAdministrators,
    },
    MenuEntry {
        page: Page::AuditLog,
        group: MenuGroup::None,
        label: "Audit log",
        path: "/audit",
        view: Permission::ViewAuditLog,
        edit: Permission::ViewAuditLog,
    },
];

pub const GROUPS: [MenuGroup; 4] = [
    MenuGroup::Security,
    MenuGroup::Service,
    MenuGroup::Company,
    MenuGroup::None,
];

impl Page {
    pub fn entry(self) -> &'static MenuEntry {
        MENU.iter().find(|e| e.page == self).unwrap_or(&MENU[0])
    }
}

/// The entries a role may open, in menu order.
pub fn visible_entries(role: Role) -> Vec<&'static MenuEntry> {
    MENU.iter().filter(|e| role.grants(e.view)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(role: Role) -> Vec<&'static str> {
        visible_entries(role).iter().map(|e| e.label).collect()
    }

    #[test]
    fn menu_differs_by_role() {
        assert_eq!(labels(Role::SuperAdmin).len(), MENU.len());
        assert_eq!(
            labels(Role::SecurityAdmin),
            vec![
                "Mail Security",
                "Network Security",
                "API tokens",
                "Audit log"
            ]
        );
        assert_eq!(labels(Role::MailAdmin), vec!["Mail > General"]);
        assert_eq!(
            labels(Role::Auditor),
            vec![
                "Mail Security",
                "Network Security",
                "API tokens",
                "Mail > General",
                "Set Multi-language",
                "Audit log"
            ]
        );
        assert!(labels(Role::Member).is_empty());
    }

    #[test]
    fn every_page_has_exactly_one_entry_and_a_unique_path() {
        for e in MENU {
            assert_eq!(MENU.iter().filter(|o| o.page == e.page).count(), 1);
            assert_eq!(MENU.iter().filter(|o| o.path == e.path).count(), 1);
            assert_eq!(e.page.entry().path, e.path);
        }
    }
}
