// Butane configs the tests translate: realistic fleet configs across the
// supported variants and versions. Each must translate without errors and
// produce Ignition that validates cleanly.

export interface Sample {
  readonly name: string;
  readonly yaml: string;
  readonly ignitionVersion: string;
}

export const FCOS_EDGE = `variant: fcos
version: 1.5.0
passwd:
  users:
    - name: core
      ssh_authorized_keys:
        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZsb3RpbGxhLWV4YW1wbGUta2V5 ops@flotilla
      groups: [wheel]
storage:
  disks:
    - device: /dev/vdb
      wipe_table: true
      partitions:
        - label: data
          number: 1
          size_mib: 0
  filesystems:
    - device: /dev/disk/by-partlabel/data
      path: /var/lib/data
      format: xfs
      label: data
      wipe_filesystem: true
      with_mount_unit: true
      mount_options: [noatime]
  files:
    - path: /etc/hostname
      mode: 0644
      overwrite: true
      contents:
        inline: edge-01
    - path: /etc/zincati/config.d/55-updates-strategy.toml
      contents:
        inline: |
          [updates]
          strategy = "fleet_lock"
          [updates.fleet_lock]
          base_url = "http://flotilla.example.com/"
  directories:
    - path: /var/lib/data/app
      mode: 0750
      user: { name: core }
      group: { name: core }
systemd:
  units:
    - name: zincati.service
      dropins:
        - name: 10-verbose.conf
          contents: |
            [Service]
            Environment=ZINCATI_VERBOSITY=-v
    - name: app.service
      enabled: true
      contents: |
        [Unit]
        Description=Edge app
        Requires=var-lib-data.mount
        After=network-online.target var-lib-data.mount

        [Service]
        ExecStart=/usr/bin/podman run --rm --name app -v /var/lib/data/app:/data:z quay.io/example/app:latest

        [Install]
        WantedBy=multi-user.target
`;

export const FLATCAR_NODE = `variant: flatcar
version: 1.0.0
passwd:
  users:
    - name: ops
      password_hash: $6$rounds=4096$saltsalt$hash
      groups: [sudo, docker]
      shell: /bin/bash
storage:
  luks:
    - name: data
      device: /dev/disk/by-partlabel/data
      key_file:
        inline: not-a-real-key
  filesystems:
    - device: /dev/mapper/data
      path: /var/lib/data
      format: ext4
      with_mount_unit: true
    - device: /dev/disk/by-label/swap
      format: swap
      with_mount_unit: true
  files:
    - path: /etc/flatcar/update.conf
      overwrite: true
      mode: 0644
      contents:
        inline: |
          GROUP=stable
          SERVER=https://flotilla.example.com/v1/update/
  links:
    - path: /etc/localtime
      target: /usr/share/zoneinfo/UTC
systemd:
  units:
    - name: locksmithd.service
      mask: true
kernel_arguments:
  should_exist: [console=ttyS0]
`;

export const SAMPLES: readonly Sample[] = [
  { name: "fcos 1.5 edge node", yaml: FCOS_EDGE, ignitionVersion: "3.4.0" },
  { name: "flatcar 1.0 node", yaml: FLATCAR_NODE, ignitionVersion: "3.3.0" },
  {
    name: "fcos 1.0 minimal",
    ignitionVersion: "3.0.0",
    yaml: `variant: fcos
version: 1.0.0
passwd:
  users:
    - name: core
      ssh_authorized_keys: [ssh-rsa AAAAB3NzaC1yc2E core]
storage:
  files:
    - path: /etc/motd
      mode: 0644
      contents:
        inline: |
          Managed by <Flotilla> & friends
`,
  },
  {
    name: "fcos 1.1 proxy and merge",
    ignitionVersion: "3.1.0",
    yaml: `variant: fcos
version: 1.1.0
ignition:
  config:
    merge:
      - source: https://flotilla.example.com/ignition/base.ign
        http_headers:
          - name: Authorization
            value: Bearer token
  proxy:
    http_proxy: http://proxy.example.com:3128
    no_proxy: [localhost, 10.0.0.0/8]
storage:
  filesystems:
    - device: /dev/disk/by-label/var
      path: /var
      format: xfs
      with_mount_unit: true
`,
  },
  {
    name: "fcos 1.2 encrypted data volume",
    ignitionVersion: "3.2.0",
    yaml: `variant: fcos
version: 1.2.0
passwd:
  groups:
    - name: app
      gid: 1500
storage:
  luks:
    - name: data
      device: /dev/disk/by-partlabel/data
      key_file:
        inline: not-a-real-key
      wipe_volume: true
  filesystems:
    - device: /dev/mapper/data
      path: /var/lib/data
      format: ext4
      label: data
      with_mount_unit: true
  directories:
    - path: /var/lib/data/www
      mode: 0755
      group: { id: 1500 }
  links:
    - path: /etc/systemd/system/multi-user.target.wants/app.service
      target: /etc/systemd/system/app.service
`,
  },
  {
    name: "fcos 1.3 mirrored boot disk",
    ignitionVersion: "3.2.0",
    yaml: `variant: fcos
version: 1.3.0
boot_device:
  layout: x86_64
  mirror:
    devices: [/dev/sda, /dev/sdb]
passwd:
  users:
    - name: core
      should_exist: true
`,
  },
  {
    name: "fcos 1.4 tang root and swap",
    ignitionVersion: "3.3.0",
    yaml: `variant: fcos
version: 1.4.0
boot_device:
  luks:
    tang:
      - url: https://tang.example.com
        thumbprint: REPLACE-ME
storage:
  luks:
    - name: secret
      device: /dev/disk/by-partlabel/secret
      clevis:
        tang:
          - url: https://tang.example.com
            thumbprint: REPLACE-ME
  filesystems:
    - device: /dev/mapper/secret
      path: /var/lib/secret
      format: xfs
      with_mount_unit: true
    - device: /dev/disk/by-partlabel/swap
      format: swap
      with_mount_unit: true
      mount_options: [pri=10]
kernel_arguments:
  should_not_exist: [mitigations=off]
`,
  },
  {
    name: "fcos 1.6 grub password",
    ignitionVersion: "3.5.0",
    yaml: `variant: fcos
version: 1.6.0
grub:
  users:
    - name: root
      password_hash: grub.pbkdf2.sha512.10000.C0FFEE
`,
  },
  {
    name: "fcos 1.7 setuid helper",
    ignitionVersion: "3.6.0",
    yaml: `variant: fcos
version: 1.7.0
storage:
  files:
    - path: /usr/local/bin/helper
      mode: 04755
      contents:
        source: https://flotilla.example.com/helper
        verification:
          hash: sha256-${"ab".repeat(32)}
`,
  },
];
