#include "sockdiag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <sys/socket.h>

struct result {
	uint32_t ino;
	uint32_t peer;
	int found;
};

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct result *r = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[UNIX_DIAG_MAX + 1];
	struct unix_diag_msg *m = nlmsg_data(h);

	if (nlmsg_parse(h, sizeof(*m), tb, UNIX_DIAG_MAX, NULL) < 0 || m->udiag_ino != r->ino)
		return NL_SKIP;
	if (tb[UNIX_DIAG_PEER]) {
		r->peer = nla_get_u32(tb[UNIX_DIAG_PEER]);
		r->found = 1;
	}
	return NL_OK;
}

int wlcr_sockdiag_peer(uint32_t ino, uint32_t *ret_peer)
{
	struct unix_diag_req req = {
		.sdiag_family = AF_UNIX,
		.udiag_states = ~0u,
		.udiag_ino = ino,
		.udiag_show = UDIAG_SHOW_PEER,
		/* lookup by inode alone */
		.udiag_cookie = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE },
	};
	struct result r = { .ino = ino };
	int ret;

	struct nl_sock *sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	ret = nl_connect(sk, NETLINK_SOCK_DIAG);
	if (ret == 0)
		ret = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, &r);
	if (ret == 0)
		ret = nl_send_simple(sk, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, &req, sizeof(req));
	if (ret >= 0)
		ret = nl_recvmsgs_default(sk);
	nl_socket_free(sk);
	if (ret < 0)
		return -EIO;
	if (!r.found)
		return -ENOENT;
	*ret_peer = r.peer;
	return 0;
}
