"""The ``[virtkit]`` option group of nova.conf."""
from oslo_config import cfg

virtkit_group = cfg.OptGroup('virtkit', title='virtkit driver options',
                             help='Where the served virtkit driver of this compute host listens, and how to reach it.')

virtkit_opts = [
    cfg.StrOpt('agent_address', default='http://127.0.0.1:7443',
               help='Base URL of the served driver (`virtkit serve --listen host:port`): http://host:port on '
                    'loopback, https://host:port elsewhere (the server refuses plaintext off loopback).'),
    cfg.StrOpt('ca_file', help='CA bundle that the served driver\'s certificate must chain to (https).'),
    cfg.StrOpt('cert_file', help='Client certificate (PEM) for mutual TLS.'),
    cfg.StrOpt('key_file', help='Private key (PEM) of the client certificate.'),
    cfg.StrOpt('token', secret=True, help='Bearer token (admin role: the compute service changes instances).'),
    cfg.StrOpt('token_file', help='File holding the bearer token (read at start; wins over `token`).'),
    cfg.StrOpt('served_host',
               help='The `virtkit-host` header: which host of a serving process that serves several driver '
                    'instances (unset: the served driver).'),
    cfg.DictOpt('served_hosts', default={},
                help='Per Nova compute host name, the `virtkit-host` to use (several compute services in one '
                     'process, as in tests); wins over `served_host` once init_host named the host.'),
    cfg.StrOpt('migration_dest', default='host_ip', choices=[
                   ('host_ip', 'the destination\'s my_ip, as Nova passes it (for drivers addressed by IP)'),
                   ('compute_host', 'the destination compute service\'s host name (drivers addressed by name)')],
               help='What a resize / cold migration names as its destination (`dest` of migrateDiskAndPowerOff).'),
    cfg.FloatOpt('timeout', default=300.0, min=1.0,
                 help='Seconds a call may take before it fails (sent as the Connect deadline too).'),
    cfg.BoolOpt('lifecycle_events', default=True,
                help='Watch the served driver\'s lifecycle events and hand them to Nova (emit_event).'),
]


def register_opts(conf):
    conf.register_group(virtkit_group)
    conf.register_opts(virtkit_opts, group=virtkit_group)


def list_opts():
    return [(virtkit_group, virtkit_opts)]
