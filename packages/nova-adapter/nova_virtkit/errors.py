"""virtkit error codes -> Nova exceptions.

The served driver's error arrives as :class:`nova_virtkit.client.RemoteError` (code, class name, message,
fields). :func:`to_nova` raises what Nova's compute manager expects for that failure; a call may name a more
precise exception for a code (snapshot of a missing instance is ``InstanceNotRunning``, as the in-tree drivers do).
"""
from nova import exception


def _uuid(err, instance):
    return err.data.get('instanceUuid') or (instance.uuid if instance is not None else None) or 'unknown'


def to_nova(err, instance=None, method=None, overrides=None):
    """The Nova exception for a failed virtkit call (returned, for ``raise ... from``)."""
    code = err.code
    if overrides and code in overrides:
        return overrides[code](err)
    uuid = _uuid(err, instance)
    if code == 'NOT_SUPPORTED':
        return NotImplementedError('the served virtkit driver does not support %s: %s' % (method, err.message))
    if code == 'INSTANCE_NOT_FOUND':
        return exception.InstanceNotFound(instance_id=uuid)
    if code == 'INSTANCE_EXISTS':
        return exception.InstanceExists(name=err.data.get('instanceUuid') or uuid)
    if code == 'INVALID_STATE':
        return exception.InstanceInvalidState(attr='power_state', instance_uuid=uuid,
                                              state=str(err.data.get('state', 'unknown')), method=method)
    if code == 'VALIDATION_FAILED':
        return exception.Invalid(message=err.message)
    if code == 'NOT_FOUND':
        kind = str(err.data.get('resource') or err.data.get('kind') or '')
        if 'volume' in kind:
            return exception.VolumeNotFound(volume_id=err.data.get('id', 'unknown'))
        if 'interface' in kind or 'port' in kind or 'vif' in kind:
            return exception.NotFound(message=err.message)
        if 'node' in kind:
            return exception.ComputeHostNotFound(host=err.data.get('id', 'unknown'))
        return exception.NotFound(message=err.message)
    if code == 'CONFLICT':
        return exception.Invalid(message=err.message)
    if code == 'INSUFFICIENT_RESOURCES':
        return exception.ComputeResourcesUnavailable(reason=err.message)
    if code == 'MIGRATION_FAILED':
        if method and method.startswith('check'):
            return exception.MigrationPreCheckError(reason=err.message)
        return exception.MigrationError(reason=err.message)
    if code == 'TIMEOUT':
        return exception.NovaException(message='virtkit %s timed out: %s' % (method, err.message))
    if code == 'ABORTED':
        return exception.NovaException(message='virtkit %s was aborted: %s' % (method, err.message))
    if code == 'CONTRACT_MISMATCH':
        return exception.HypervisorUnavailable(host=err.message)
    if err.name == 'RemoteUnavailableError':
        return exception.HypervisorUnavailable(host=err.message)
    return exception.NovaException(message='virtkit %s failed [%s]: %s' % (method, code, err.message))
