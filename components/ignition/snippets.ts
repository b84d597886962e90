import { snippetCompletion, type Completion } from "@codemirror/autocomplete";

/** Common first-boot tasks, as completions in the editor (type "ssh", "hostname", …). */
export const IGNITION_SNIPPETS: Completion[] = [
  snippetCompletion('{\n  "name": "${core}",\n  "sshAuthorizedKeys": ["${ssh-ed25519 AAAA... user@example.com}"]\n}', { label: "ssh key user", detail: "passwd.users[] entry", type: "text" }),
  snippetCompletion('{\n  "path": "/etc/hostname",\n  "mode": 420,\n  "overwrite": true,\n  "contents": { "source": "data:,${host-01}" }\n}', { label: "hostname file", detail: "storage.files[] entry", type: "text" }),
  snippetCompletion('{\n  "name": "${app}.service",\n  "enabled": true,\n  "contents": "[Unit]\\nDescription=${App}\\n\\n[Service]\\nExecStart=${/usr/bin/true}\\n\\n[Install]\\nWantedBy=multi-user.target\\n"\n}', { label: "systemd unit", detail: "systemd.units[] entry", type: "text" }),
  snippetCompletion('{\n  "path": "${/etc/example.conf}",\n  "mode": 420,\n  "contents": { "source": "data:,${content}" }\n}', { label: "file", detail: "storage.files[] entry", type: "text" }),
];

export const BUTANE_SNIPPETS: Completion[] = [
  snippetCompletion("passwd:\n  users:\n    - name: ${core}\n      ssh_authorized_keys:\n        - ${ssh-ed25519 AAAA... user@example.com}", { label: "ssh key user", type: "text" }),
  snippetCompletion("storage:\n  files:\n    - path: /etc/hostname\n      mode: 0644\n      contents:\n        inline: ${host-01}", { label: "hostname file", type: "text" }),
  snippetCompletion("systemd:\n  units:\n    - name: ${app}.service\n      enabled: true\n      contents: |\n        [Unit]\n        Description=${App}\n        [Service]\n        ExecStart=${/usr/bin/true}\n        [Install]\n        WantedBy=multi-user.target", { label: "systemd unit", type: "text" }),
  snippetCompletion("storage:\n  files:\n    - path: ${/etc/example.conf}\n      mode: 0644\n      contents:\n        inline: |\n          ${content}", { label: "file", type: "text" }),
];

export const IGNITION_TEMPLATE = `{
  "ignition": { "version": "3.3.0" },
  "passwd": {
    "users": [
      { "name": "core", "sshAuthorizedKeys": ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample user@example.com"] }
    ]
  }
}
`;

export const BUTANE_TEMPLATE = `variant: fcos
version: 1.4.0
passwd:
  users:
    - name: core
      ssh_authorized_keys:
        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample user@example.com
`;
