"""A Nova compute driver that forwards every call to a served virtkit driver.

The served driver speaks the virtkit wire contract (``virtkit.v1``); this
package uses its Connect JSON path (plain HTTP POST + JSON), because Nova's
processes are monkey-patched by eventlet, where a gRPC C-core cannot run.
"""
