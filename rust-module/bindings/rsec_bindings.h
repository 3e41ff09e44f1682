/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel API rsec uses from Rust. bindgen reads this header (scripts/gen-bindings) with
 * the allowlist beside it; rsec_helpers.c implements the rsec_helper_* functions, thin
 * wrappers of static-inline kernel functions and macros that bindgen cannot bind.
 */
#include <linux/utsname.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/netns/generic.h>

const char *rsec_helper_kernel_release(void);

/* RCU and RCU-protected hash lists. */
void rsec_helper_rcu_read_lock(void);
void rsec_helper_rcu_read_unlock(void);
void rsec_helper_hlist_add_head_rcu(struct hlist_node *n, struct hlist_head *h);
void rsec_helper_hlist_del_rcu(struct hlist_node *n);
struct hlist_node *rsec_helper_hlist_first_rcu(struct hlist_head *h);
struct hlist_node *rsec_helper_hlist_next_rcu(struct hlist_node *n);

/* Network namespaces. */
void *rsec_helper_net_generic(const struct net *net, unsigned int id);
struct net *rsec_helper_genl_info_net(const struct genl_info *info);

/* Generic netlink messages. */
const struct genl_info *rsec_helper_genl_info_dump(struct netlink_callback *cb);
void *rsec_helper_nlmsg_attrdata(const struct nlmsghdr *nlh, int hdrlen);
int rsec_helper_nlmsg_attrlen(const struct nlmsghdr *nlh, int hdrlen);
struct sk_buff *rsec_helper_genlmsg_new(size_t payload);
void rsec_helper_nlmsg_free(struct sk_buff *skb);
void *rsec_helper_genlmsg_iput(struct sk_buff *skb, const struct genl_info *info, int flags);
void rsec_helper_genlmsg_end(struct sk_buff *skb, void *hdr);
void rsec_helper_genlmsg_cancel(struct sk_buff *skb, void *hdr);
int rsec_helper_genlmsg_reply(struct sk_buff *skb, struct genl_info *info);
struct nlattr *rsec_helper_nla_nest_start(struct sk_buff *skb, int attrtype);
int rsec_helper_nla_nest_end(struct sk_buff *skb, struct nlattr *start);
void rsec_helper_nla_nest_cancel(struct sk_buff *skb, struct nlattr *start);
unsigned int rsec_helper_skb_len(const struct sk_buff *skb);

/* Time. */
time64_t rsec_helper_ktime_get_boottime_seconds(void);
