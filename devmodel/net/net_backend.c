// SPDX-License-Identifier: GPL-2.0
/* The net-backend seam's common part (net.h). */
#include "devmodel/net/net.h"

#include <errno.h>
#include <string.h>

void net_backend_init(struct net_backend *be, const struct net_backend_ops *ops,
		      pthread_mutex_t *dm_lock)
{
	memset(be, 0, sizeof(*be));
	be->ops = ops;
	be->dm_lock = dm_lock;
	be->link_up = true;
}

void net_backend_attach(struct net_backend *be, const struct net_client *client)
{
	be->client = *client;
}

size_t net_backend_deliver(struct net_backend *be, const struct iovec *iov,
			   int iovcnt)
{
	size_t taken = 0;

	if (be->dm_lock)
		pthread_mutex_lock(be->dm_lock);
	if (be->client.receive &&
	    (!be->client.can_receive || be->client.can_receive(be->client.opaque)))
		taken = be->client.receive(be->client.opaque, iov, iovcnt);
	if (!taken)
		be->rx_dropped++;
	if (be->dm_lock)
		pthread_mutex_unlock(be->dm_lock);
	return taken;
}

int net_backend_send(struct net_backend *be, const struct iovec *iov, int iovcnt)
{
	int r = be->ops->send ? be->ops->send(be, iov, iovcnt) : -ENOSYS;

	if (r < 0)
		be->tx_dropped++;
	return r;
}

void net_backend_rx_ready(struct net_backend *be)
{
	if (be->ops->rx_ready)
		be->ops->rx_ready(be);
}

bool net_backend_link_up(const struct net_backend *be)
{
	return be->link_up;
}

unsigned net_backend_offloads(const struct net_backend *be)
{
	return be->offloads;
}

void net_backend_destroy(struct net_backend *be)
{
	if (be && be->ops->destroy)
		be->ops->destroy(be);
}
